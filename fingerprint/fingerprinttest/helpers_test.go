package fingerprinttest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/gen"
)

// response is a raw HTTP answer from the server under test.
type response struct {
	status int
	header http.Header
	body   []byte
}

// call sends a request with the server's key (unless header overrides Authorization)
// and checks that the answer conforms to the OpenAPI description.
func call(t *testing.T, srv *Server, method, pathAndQuery string, body any, header ...string) response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL()+pathAndQuery, rd)
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	req.Header.Set("Authorization", "Bearer "+srv.APIKey())
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		if header[i+1] == "" {
			req.Header.Del(header[i])
		} else {
			req.Header.Set(header[i], header[i+1])
		}
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	r := response{status: res.StatusCode, header: res.Header, body: b}
	checkAgainstSpec(t, method, pathAndQuery, r)
	return r
}

// wantError decodes an error body and checks status and code.
func wantError(t *testing.T, r response, status int, code gen.ErrorCode, message string) {
	t.Helper()
	if got, want := r.status, status; !reflect.DeepEqual(got, want) {
		t.Fatalf("body: %s: r.status = %v, want %v", r.body, got, want)
	}
	var e gen.ErrorResponse
	if err := json.Unmarshal(r.body, &e); err != nil {
		t.Fatalf("body: %s: json.Unmarshal(r.body, &e): %v", r.body, err)
	}
	if got, want := e.Error.Code, code; !reflect.DeepEqual(got, want) {
		t.Fatalf("e.Error.Code = %v, want %v", got, want)
	}
	if message != "" {
		if got, want := e.Error.Message, message; !reflect.DeepEqual(got, want) {
			t.Fatalf("e.Error.Message = %v, want %v", got, want)
		}
	}
}

func decode[T any](t *testing.T, r response) T {
	t.Helper()
	if got, want := r.status, http.StatusOK; !reflect.DeepEqual(got, want) {
		t.Fatalf("body: %s: r.status = %v, want %v", r.body, got, want)
	}
	var v T
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("body: %s: json.Unmarshal(r.body, &v): %v", r.body, err)
	}
	return v
}

func ids(evs []fingerprint.Event) []string {
	out := make([]string, len(evs))
	for i, ev := range evs {
		out[i] = ev.EventID
	}
	return out
}

// fixedNow is the clock of tests that build events by hand.
var fixedNow = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

func fixedClock() time.Time { return fixedNow }

// at returns a minimal device event minutesAgo before fixedNow.
func at(id string, minutesAgo int) fingerprint.Event {
	return fingerprint.Event{Event: gen.Event{EventID: id, Timestamp: fixedNow.Add(-time.Duration(minutesAgo) * time.Minute).UnixMilli()}}
}

// before reports whether a comes before b in the search order.
func before(a, b *gen.Event, reverse bool) bool {
	if a.Timestamp != b.Timestamp {
		return (a.Timestamp < b.Timestamp) == reverse
	}
	return (a.EventID < b.EventID) == reverse
}

// sameJSON fails the test unless want and got encode the same JSON value
// (object key order and whitespace do not matter).
func sameJSON(t *testing.T, what, want, got string) {
	t.Helper()
	var w, g any
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("%s: expected value is not JSON: %v", what, err)
	}
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("%s: %v in %s", what, err, got)
	}
	if !reflect.DeepEqual(w, g) {
		t.Fatalf("%s:\n got %s\nwant %s", what, got, want)
	}
}
