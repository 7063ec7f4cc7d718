package fingerprintotel_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
	fingerprintotel "github.com/fpgo/fingerprint-go/otel"
)

// pipeline is an OpenTelemetry SDK setup with in-memory exporters.
type pipeline struct {
	spans  *tracetest.InMemoryExporter
	reader *sdkmetric.ManualReader
	tp     *sdktrace.TracerProvider
	mp     *sdkmetric.MeterProvider
}

func newPipeline(t *testing.T) *pipeline {
	t.Helper()
	p := &pipeline{spans: tracetest.NewInMemoryExporter(), reader: sdkmetric.NewManualReader()}
	p.tp = sdktrace.NewTracerProvider(sdktrace.WithSyncer(p.spans))
	p.mp = sdkmetric.NewMeterProvider(sdkmetric.WithReader(p.reader))
	t.Cleanup(func() {
		_ = p.tp.Shutdown(context.Background())
		_ = p.mp.Shutdown(context.Background())
	})
	return p
}

// client is a Client on srv observed by p; its retries wait the minimum (the waits are
// Retry-After 1 s at most in these tests).
func (p *pipeline) client(t *testing.T, srv *fingerprinttest.Server, opts ...fingerprint.Option) *fingerprint.Client {
	t.Helper()
	obs := fingerprintotel.Observer(fingerprintotel.WithTracerProvider(p.tp), fingerprintotel.WithMeterProvider(p.mp))
	c, err := fingerprint.NewClient(srv.APIKey(), append([]fingerprint.Option{fingerprint.WithBaseURL(srv.URL()),
		fingerprint.WithObserver(obs)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func attrs(kvs []attribute.KeyValue) map[string]string {
	m := map[string]string{}
	for _, kv := range kvs {
		m[string(kv.Key)] = kv.Value.String()
	}
	return m
}

func TestSpansPerAttemptWithRetries(t *testing.T) {
	t.Parallel()
	p := newPipeline(t)
	srv := fingerprinttest.NewServer(t)
	ev := fingerprinttest.NewGenerator(2).Events(1)[0]
	if err := srv.AddEvents(ev); err != nil {
		t.Fatal(err)
	}
	srv.MustFailNext(1, fingerprinttest.ServiceUnavailableHTML())
	srv.MustFailNext(1, fingerprinttest.TooManyRequests("0"))
	c := p.client(t, srv)

	tracer := p.tp.Tracer("test")
	ctx, parent := tracer.Start(t.Context(), "login")
	if _, err := c.GetEvent(ctx, ev.EventID, nil); err != nil {
		t.Fatal(err)
	}
	parent.End()

	spans := p.spans.GetSpans()
	if len(spans) != 5 { // 3 attempts, the call, the parent
		t.Fatalf("%d spans: %v", len(spans), spans.Snapshots())
	}
	var call tracetest.SpanStub
	var attempts []tracetest.SpanStub
	for _, s := range spans {
		switch {
		case s.Name == "fingerprint GetEvent":
			call = s
		case s.SpanKind == trace.SpanKindClient:
			attempts = append(attempts, s)
		}
	}
	if call.Name == "" || call.Parent.SpanID() != parent.SpanContext().SpanID() || call.SpanKind != trace.SpanKindInternal {
		t.Fatalf("call span %q is not the child of the caller's span", call.Name)
	}
	if a := attrs(call.Attributes); a["fingerprint.operation"] != "GetEvent" || a["fingerprint.attempts"] != "3" || call.Status.Code == codes.Error {
		t.Errorf("call span attributes %v, status %v", a, call.Status)
	}
	if len(attempts) != 3 {
		t.Fatalf("%d attempt spans, want 3", len(attempts))
	}
	host, port, _ := strings.Cut(strings.TrimSuffix(strings.TrimPrefix(srv.URL(), "http://"), "/v4"), ":")
	want := []map[string]string{
		{"http.response.status_code": "503", "error.type": "503", "fingerprint.retry.reason": "server_error"},
		{"http.response.status_code": "429", "error.type": "429", "fingerprint.retry.reason": "rate_limited", "http.request.resend_count": "1",
			"fingerprint.error_code": "too_many_requests"},
		{"http.response.status_code": "200", "http.request.resend_count": "2"},
	}
	for i, s := range attempts {
		a := attrs(s.Attributes)
		if s.Name != "GET /events/{event_id}" || s.Parent.SpanID() != call.SpanContext.SpanID() {
			t.Errorf("attempt %d: span %q under %v, want GET /events/{event_id} under the call span", i+1, s.Name, s.Parent.SpanID())
		}
		common := map[string]string{"http.request.method": "GET", "url.template": "/events/{event_id}", "server.address": host,
			"server.port": port, "fingerprint.operation": "GetEvent"}
		for k, v := range common {
			want[i][k] = v
		}
		for k, v := range want[i] {
			if a[k] != v {
				t.Errorf("attempt %d: %s = %q, want %q (all: %v)", i+1, k, a[k], v, a)
			}
		}
		for _, k := range []string{"error.type", "fingerprint.retry.reason", "http.request.resend_count"} {
			if _, ok := want[i][k]; !ok && a[k] != "" {
				t.Errorf("attempt %d: unexpected %s = %q", i+1, k, a[k])
			}
		}
		if (s.Status.Code == codes.Error) != (i < 2) {
			t.Errorf("attempt %d: status %v", i+1, s.Status)
		}
		if !s.EndTime.After(s.StartTime) || s.StartTime.Before(call.StartTime) || s.EndTime.After(call.EndTime) {
			t.Errorf("attempt %d spans %v..%v, outside the call's %v..%v", i+1, s.StartTime, s.EndTime, call.StartTime, call.EndTime)
		}
	}
	if attempts[0].EndTime.After(attempts[1].StartTime) {
		t.Error("attempt spans overlap: the retry wait is not between them")
	}
	// Nothing that identifies the event or the key is in any span.
	dump := fmt.Sprintf("%+v", spans.Snapshots())
	for _, secret := range []string{ev.EventID, srv.APIKey()} {
		if strings.Contains(dump, secret) {
			t.Errorf("spans contain %q", secret)
		}
	}
}

func TestMetricsCountAttemptsAndDurations(t *testing.T) {
	t.Parallel()
	p := newPipeline(t)
	srv := fingerprinttest.NewServer(t)
	srv.MustFailNext(1, fingerprinttest.InternalError())
	srv.MustFailNext(1, fingerprinttest.Fault{Operation: fingerprinttest.OpDeleteVisitorData, Reset: true})
	// A fresh connection per request: net/http would quietly resend a GET or DELETE
	// whose reused connection was reset, and the reset would not reach the client.
	c := p.client(t, srv, fingerprint.WithMaxRetries(1),
		fingerprint.WithHTTPClient(&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}))
	ctx := t.Context()
	if _, err := c.SearchEvents(ctx, nil); err != nil { // 500, then 200
		t.Fatal(err)
	}
	if err := c.DeleteVisitorData(ctx, "v-gone"); err == nil { // reset, then 404
		t.Fatal("delete of an unknown visitor succeeded")
	}
	if _, err := c.GetEvent(ctx, "missing", nil); err == nil { // 404
		t.Fatal("missing event found")
	}

	var rm metricdata.ResourceMetrics
	if err := p.reader.Collect(ctx, &rm); err != nil {
		t.Fatal(err)
	}
	counts := map[string]int64{}     // "<template> <status> <error.type>" -> attempts
	durations := map[string]uint64{} // same key -> histogram count
	for _, sm := range rm.ScopeMetrics {
		if sm.Scope.Name != fingerprintotel.ScopeName || sm.Scope.Version != fingerprint.Version {
			t.Errorf("scope %q version %q", sm.Scope.Name, sm.Scope.Version)
		}
		for _, m := range sm.Metrics {
			switch data := m.Data.(type) {
			case metricdata.Sum[int64]:
				if m.Name != fingerprintotel.MetricAttempts || !data.IsMonotonic {
					t.Errorf("counter %s", m.Name)
				}
				for _, dp := range data.DataPoints {
					counts[key(dp.Attributes)] += dp.Value
				}
			case metricdata.Histogram[float64]:
				if m.Name != fingerprintotel.MetricRequestDuration || m.Unit != "s" {
					t.Errorf("histogram %s in %s", m.Name, m.Unit)
				}
				for _, dp := range data.DataPoints {
					durations[key(dp.Attributes)] += dp.Count
					if dp.Sum <= 0 {
						t.Errorf("durations %s sum to %v", key(dp.Attributes), dp.Sum)
					}
				}
			default:
				t.Errorf("unexpected metric %s (%T)", m.Name, m.Data)
			}
		}
	}
	want := map[string]int64{
		"GET /events 500 500":                     1,
		"GET /events 200 ":                        1,
		"DELETE /visitors/{visitor_id} 0 network": 1,
		"DELETE /visitors/{visitor_id} 404 404":   1,
		"GET /events/{event_id} 404 404":          1,
	}
	if fmt.Sprint(counts) != fmt.Sprint(want) {
		t.Errorf("attempt counts %v, want %v", counts, want)
	}
	for k, n := range want {
		if durations[k] != uint64(n) {
			t.Errorf("%d durations recorded for %s, want %d", durations[k], k, n)
		}
	}
}

func key(set attribute.Set) string {
	get := func(k string) string {
		v, _ := set.Value(attribute.Key(k))
		return v.String()
	}
	status := get("http.response.status_code")
	if status == "" {
		status = "0"
	}
	for _, forbidden := range []string{"url.full", "http.request.resend_count", "fingerprint.retry.delay"} {
		if set.HasValue(attribute.Key(forbidden)) {
			return "high-cardinality attribute " + forbidden
		}
	}
	return get("http.request.method") + " " + get("url.template") + " " + status + " " + get("error.type")
}

// TestGlobalProvidersByDefault: without options the Observer uses the global
// providers, which are no-ops until set: calls work and nothing breaks.
func TestGlobalProvidersByDefault(t *testing.T) {
	t.Parallel()
	srv := fingerprinttest.NewServer(t)
	c, err := fingerprint.NewClient(srv.APIKey(), fingerprint.WithBaseURL(srv.URL()), fingerprint.WithObserver(fingerprintotel.Observer(nil)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if _, err := c.SearchEvents(ctx, nil); err != nil {
		t.Fatal(err)
	}
}
