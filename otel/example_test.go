package fingerprintotel_test

import (
	"context"
	"fmt"
	"log"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
	fingerprintotel "github.com/fpgo/fingerprint-go/otel"
)

// In production, pass nothing to Observer to use the global providers your
// OpenTelemetry setup installed (otel.SetTracerProvider, otel.SetMeterProvider); here
// an in-memory exporter shows the spans of a call that was retried once.
func ExampleObserver() {
	exporter := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exporter))
	defer tp.Shutdown(context.Background()) //nolint:errcheck // an example

	srv, err := fingerprinttest.Start(fingerprinttest.WithEvents(fingerprinttest.FullEvent()))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	_ = srv.FailNext(1, fingerprinttest.TooManyRequests("1"))

	client, err := fingerprint.NewClient(srv.APIKey(), fingerprint.WithBaseURL(srv.URL()),
		fingerprint.WithObserver(fingerprintotel.Observer(fingerprintotel.WithTracerProvider(tp))))
	if err != nil {
		log.Fatal(err)
	}
	if _, err := client.GetEvent(context.Background(), fingerprinttest.FullEvent().EventID, nil); err != nil {
		log.Fatal(err)
	}
	for _, s := range exporter.GetSpans() {
		fmt.Println(s.SpanKind, s.Name, s.Status.Code)
	}
	// Output:
	// client GET /events/{event_id} Error
	// client GET /events/{event_id} Unset
	// internal fingerprint GetEvent Unset
}
