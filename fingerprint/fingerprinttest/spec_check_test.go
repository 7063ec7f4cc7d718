package fingerprinttest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// Every response that call() receives is checked against api/openapi.yaml. Statuses
// and content types are checked at once; bodies are decoded at once and validated
// after all tests ran, one batch per schema. kin-openapi compiles an OpenAPI 3.1
// schema on every validation (about 30 ms for Event under -race), so validating each
// body on its own made this package's tests several times slower.

// pendingBody is a response body waiting for validation.
type pendingBody struct {
	test  string // the test that received it
	what  string // "200 GET /events/..."
	value any    // the decoded JSON
}

var pending = struct {
	sync.Mutex
	bySchema map[*openapi3.Schema][]pendingBody
}{bySchema: map[*openapi3.Schema][]pendingBody{}}

func TestMain(m *testing.M) {
	code := m.Run()
	if !pendingBodiesMatchSpec() {
		code = 1
	}
	os.Exit(code)
}

// pendingBodiesMatchSpec validates the queued response bodies, printing each mismatch.
func pendingBodiesMatchSpec() bool {
	pending.Lock()
	defer pending.Unlock()
	ok := true
	for schema, bodies := range pending.bySchema {
		for _, err := range validateBodies(schema, bodies) {
			fmt.Fprintln(os.Stderr, "FAIL: response does not match the spec:", err)
			ok = false
		}
	}
	return ok
}

// checkAgainstSpec checks the status and content type of a response of a known
// operation and queues its body for validation.
func checkAgainstSpec(t *testing.T, method, pathAndQuery string, r response) {
	t.Helper()
	sp, err := loadSpec()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, "http://x"+pathAndQuery, nil)
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	route, params, err := sp.router.FindRoute(req)
	if err != nil {
		return // not an API path
	}
	spec := route.Operation.Responses.Status(r.status)
	if spec == nil {
		return // a status the spec does not describe (a proxy's 502)
	}
	if r.header.Get("Content-Type") == "" && len(r.body) == 0 {
		return // 200 with an empty body (PATCH, DELETE)
	}
	if r.status >= 500 && !strings.Contains(r.header.Get("Content-Type"), "json") {
		return // a proxy's HTML page (ServiceUnavailableHTML) at a status the API also uses
	}
	// Status and headers; the body is validated in one batch per schema (see above).
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 r.status,
		Header:                 r.header,
		Body:                   io.NopCloser(bytes.NewReader(r.body)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, ExcludeResponseBody: true},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Fatalf("openapi3filter.ValidateResponse(context.Background(), in): %v", err)
	}
	what := fmt.Sprintf("%d %s %s", r.status, method, pathAndQuery)
	media := spec.Value.Content.Get(r.header.Get("Content-Type"))
	if media == nil {
		t.Fatalf("%s: content type %q is not in the spec: media is nil", what, r.header.Get("Content-Type"))
	}
	if media.Schema == nil {
		return
	}
	var v any
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("%s: %s: json.Unmarshal(r.body, &v): %v", what, r.body, err)
	}
	pending.Lock()
	defer pending.Unlock()
	pending.bySchema[media.Schema.Value] = append(pending.bySchema[media.Schema.Value], pendingBody{t.Name(), what, v})
}

// validateBodies validates bodies against schema as one array, as a response would
// be (3.1 rules, readOnly allowed). Only when the batch fails are the bodies validated
// one by one, to name the failing responses.
func validateBodies(schema *openapi3.Schema, bodies []pendingBody) []error {
	opts := []openapi3.SchemaValidationOption{openapi3.EnableJSONSchema2020(), openapi3.VisitAsResponse()}
	values := make([]any, len(bodies))
	for i, b := range bodies {
		values[i] = b.value
	}
	batch := openapi3.NewArraySchema().WithItems(schema)
	if batch.VisitJSON(values, opts...) == nil {
		return nil
	}
	var errs []error
	for _, b := range bodies {
		if err := schema.VisitJSON(b.value, opts...); err != nil {
			errs = append(errs, fmt.Errorf("%s: %s: %w", b.test, b.what, err))
		}
	}
	if len(errs) == 0 {
		errs = append(errs, errors.New("a batch of responses failed validation, but each one passed alone"))
	}
	return errs
}

// TestBatchValidationNamesBadBodies proves the batched check catches what a per-response
// check would: an event without its required timestamp, and an error body with an
// unknown error code shape.
func TestBatchValidationNamesBadBodies(t *testing.T) {
	sp, err := loadSpec()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	event := sp.doc.Components.Schemas["Event"].Value
	good := map[string]any{"event_id": "e1", "timestamp": float64(1700000000000)}
	bad := map[string]any{"event_id": "e2"}
	badType := map[string]any{"event_id": "e3", "timestamp": "yesterday"}

	if len((validateBodies(event, []pendingBody{{"T", "good", good}}))) != 0 {
		t.Fatalf("validateBodies(event, []pendingBody{{\"T\", \"good\", good}}) = %v, want empty", validateBodies(event, []pendingBody{{"T", "good", good}}))
	}
	errs := validateBodies(event, []pendingBody{{"T1", "good", good}, {"T2", "missing", bad}, {"T3", "wrong type", badType}})
	if got := len(errs); got != 2 {
		t.Fatalf("len(errs) = %d, want %d", got, 2)
	}
	if !strings.Contains(errs[0].Error(), "T2: missing") {
		t.Fatalf("errs[0].Error() = %q, want it to contain %q", errs[0].Error(), "T2: missing")
	}
	if !strings.Contains(errs[1].Error(), "T3: wrong type") {
		t.Fatalf("errs[1].Error() = %q, want it to contain %q", errs[1].Error(), "T3: wrong type")
	}
}
