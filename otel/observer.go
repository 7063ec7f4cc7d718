// Package fingerprintotel reports the calls of a fingerprint.Client to OpenTelemetry:
// a span for each call, a client span for each HTTP attempt, a request duration
// histogram and an attempt counter, with the attributes of the OpenTelemetry semantic
// conventions for HTTP clients.
//
//	client, err := fingerprint.NewClient(key, fingerprint.WithObserver(fingerprintotel.Observer()))
//
// It is a module of its own (github.com/fpgo/fingerprint-go/otel), so programs that do
// not use OpenTelemetry never download it. Like fingerprint.Observer, nothing it records
// holds the API key, event or visitor IDs, IP addresses, linked IDs or query values:
// spans and metrics carry the path template (/events/{event_id}), never the URL, and
// errors are recorded by type (error.type), never by their text.
package fingerprintotel

import (
	"context"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/fpgo/fingerprint-go/fingerprint"
)

// ScopeName is the instrumentation scope of the tracer and meter.
const ScopeName = "github.com/fpgo/fingerprint-go/otel"

// Names of the instruments and of the attributes that are not in the semantic
// conventions.
const (
	// MetricRequestDuration is the semantic conventions' HTTP client request duration
	// histogram, in seconds, one measurement per attempt.
	MetricRequestDuration = "http.client.request.duration"
	// MetricAttempts counts the HTTP attempts, retries included.
	MetricAttempts = "fingerprint.client.attempts"

	AttrOperation   = attribute.Key("fingerprint.operation")    // "GetEvent", ...
	AttrErrorCode   = attribute.Key("fingerprint.error_code")   // the API error code of a non-2xx response
	AttrRetryReason = attribute.Key("fingerprint.retry.reason") // set when the attempt is retried
	AttrRetryDelay  = attribute.Key("fingerprint.retry.delay")  // seconds before the retry
	AttrAttempts    = attribute.Key("fingerprint.attempts")     // on the call span: attempts made
)

// Option configures Observer.
type Option func(*config)

type config struct {
	tp trace.TracerProvider
	mp metric.MeterProvider
}

// WithTracerProvider sets where spans go (otel.GetTracerProvider() by default, read when
// Observer is called). A nil tp keeps the default.
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(c *config) {
		if tp != nil {
			c.tp = tp
		}
	}
}

// WithMeterProvider sets where metrics go (otel.GetMeterProvider() by default, read when
// Observer is called). A nil mp keeps the default.
func WithMeterProvider(mp metric.MeterProvider) Option {
	return func(c *config) {
		if mp != nil {
			c.mp = mp
		}
	}
}

// Observer returns a fingerprint.Observer that records, for each call of the Client:
//
//   - a span named "fingerprint <Operation>" (such as "fingerprint GetEvent") covering
//     the whole call, retries and waits included, with fingerprint.operation and
//     fingerprint.attempts;
//   - one client span per HTTP attempt, its child, named "{method} {url.template}"
//     (such as "GET /events/{event_id}"), with http.request.method, url.template,
//     server.address, server.port, http.response.status_code,
//     http.request.resend_count (from the second attempt on), error.type,
//     fingerprint.error_code and, when a retry follows, fingerprint.retry.reason and
//     fingerprint.retry.delay;
//   - a measurement of the http.client.request.duration histogram (seconds) and of the
//     fingerprint.client.attempts counter per attempt, with the same low-cardinality
//     attributes (method, url.template, server address and port, status code,
//     error.type, fingerprint.operation).
//
// A span whose call or attempt failed has status Error, described by error.type only.
// The returned Observer is safe for concurrent use; share one between Clients.
func Observer(opts ...Option) fingerprint.Observer {
	cfg := config{tp: otel.GetTracerProvider(), mp: otel.GetMeterProvider()}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	version := trace.WithInstrumentationVersion(fingerprint.Version)
	meter := cfg.mp.Meter(ScopeName, metric.WithInstrumentationVersion(fingerprint.Version))
	o := &observer{tracer: cfg.tp.Tracer(ScopeName, version)}
	var err error
	o.duration, err = meter.Float64Histogram(MetricRequestDuration,
		metric.WithUnit("s"),
		metric.WithDescription("Duration of HTTP client requests."),
		metric.WithExplicitBucketBoundaries(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10))
	if err != nil {
		otel.Handle(err) // the meter still returned a usable (no-op) instrument
	}
	o.attempts, err = meter.Int64Counter(MetricAttempts,
		metric.WithUnit("{attempt}"),
		metric.WithDescription("HTTP attempts made by the Fingerprint client, retries included."))
	if err != nil {
		otel.Handle(err)
	}
	return o
}

type observer struct {
	tracer   trace.Tracer
	duration metric.Float64Histogram
	attempts metric.Int64Counter
}

// CallStart starts the call span; the context carries it to the other hooks.
func (o *observer) CallStart(ctx context.Context, call fingerprint.CallInfo) context.Context {
	ctx, _ = o.tracer.Start(ctx, "fingerprint "+call.Operation,
		trace.WithSpanKind(trace.SpanKindInternal),
		trace.WithAttributes(AttrOperation.String(call.Operation)))
	return ctx
}

// AttemptEnd records the attempt's client span (with its real start and end times) and
// its metrics.
func (o *observer) AttemptEnd(ctx context.Context, a fingerprint.AttemptInfo) {
	attrs := make([]attribute.KeyValue, 0, 12)
	attrs = append(attrs,
		semconv.HTTPRequestMethodKey.String(a.Method),
		semconv.URLTemplate(a.PathTemplate),
		semconv.ServerAddress(a.ServerAddress),
		semconv.ServerPort(a.ServerPort),
	)
	if a.StatusCode != 0 {
		attrs = append(attrs, semconv.HTTPResponseStatusCode(a.StatusCode))
	}
	if a.ErrorType != "" {
		attrs = append(attrs, semconv.ErrorTypeKey.String(a.ErrorType))
	}
	attrs = append(attrs, AttrOperation.String(a.Operation))
	metricSet := metric.WithAttributes(attrs...)

	if a.Attempt > 1 {
		attrs = append(attrs, semconv.HTTPRequestResendCount(a.Attempt-1))
	}
	if a.ErrorCode != "" {
		attrs = append(attrs, AttrErrorCode.String(string(a.ErrorCode)))
	}
	if a.RetryReason != "" {
		attrs = append(attrs, AttrRetryReason.String(string(a.RetryReason)), AttrRetryDelay.Float64(a.RetryDelay.Seconds()))
	}
	_, span := o.tracer.Start(ctx, a.Method+" "+a.PathTemplate,
		trace.WithSpanKind(trace.SpanKindClient),
		trace.WithTimestamp(a.Start),
		trace.WithAttributes(attrs...))
	if a.ErrorType != "" {
		span.SetStatus(codes.Error, a.ErrorType)
	}
	span.End(trace.WithTimestamp(a.Start.Add(a.Duration)))

	o.duration.Record(ctx, a.Duration.Seconds(), metricSet)
	o.attempts.Add(ctx, 1, metricSet)
}

// CallEnd ends the call span.
func (o *observer) CallEnd(ctx context.Context, e fingerprint.CallEndInfo) {
	span := trace.SpanFromContext(ctx)
	span.SetAttributes(AttrAttempts.Int(e.Attempts))
	if e.ErrorType != "" {
		span.SetAttributes(semconv.ErrorTypeKey.String(e.ErrorType))
		span.SetStatus(codes.Error, e.ErrorType)
	}
	span.End()
}
