package fingerprinttest

// Hostile input: requests built to make the fake lose filters, grow without bound or
// hang.

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/gen"
)

// Past 10,000 pairs url.ParseQuery returns an empty map and an error; a server that
// ignored the error dropped every filter and served an invalid limit with 200.
func TestTooManyQueryParametersIs400(t *testing.T) {
	srv := NewServer(t, WithClock(fixedClock), WithEvents(at("e1", 1)))
	var b strings.Builder
	for i := range 10_001 {
		fmt.Fprintf(&b, "p%d=1&", i)
	}
	b.WriteString("limit=1000")
	wantError(t, call(t, srv, "GET", "/events?"+b.String(), nil), http.StatusBadRequest,
		gen.ErrorCodeRequestCannotBeParsed, "too many query parameters")
	wantError(t, call(t, srv, "GET", "/events/e1?"+b.String(), nil), http.StatusBadRequest,
		gen.ErrorCodeRequestCannotBeParsed, "too many query parameters")
	// Below the limit the parameters are all read, so the bad limit is seen.
	wantError(t, call(t, srv, "GET", "/events?p=1&p=2&limit=1000", nil), http.StatusBadRequest,
		gen.ErrorCodeRequestCannotBeParsed, "invalid limit")
}

// Unauthenticated requests with huge headers used to be kept whole, forever.
func TestRequestLogIsBounded(t *testing.T) {
	srv := NewServer(t, WithClock(fixedClock), WithEvents(at("e1", 1)))
	big := strings.Repeat("h", 64<<10)
	const extra = 25
	for i := range requestLogSize + extra {
		req, err := http.NewRequestWithContext(t.Context(), "GET", fmt.Sprintf("%s/events?n=%d&q=%s", srv.URL(), i, big[:10<<10]), nil)
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		req.Header.Set("Authorization", "Bearer wrong-key")
		req.Header.Set("X-Big", big)
		for j := range 3 * maxLoggedValues {
			req.Header.Set(fmt.Sprintf("X-Many-%d", j), "v")
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusForbidden {
			t.Fatalf("res.StatusCode = %v, want %v", res.StatusCode, http.StatusForbidden)
		}
	}
	log := srv.Requests()
	if got := len(log); got != requestLogSize {
		t.Fatalf("the ring keeps the most recent entries: len(log) = %d, want %d", got, requestLogSize)
	}
	if got, want := log[0].Query.Get("n"), fmt.Sprint(extra); !reflect.DeepEqual(got, want) {
		t.Fatalf("the oldest entries were dropped first: log[0].Query.Get(\"n\") = %v, want %v", got, want)
	}
	if got, want := log[len(log)-1].Query.Get("n"), fmt.Sprint(requestLogSize+extra-1); !reflect.DeepEqual(got, want) {
		t.Fatalf("log[len(log)-1].Query.Get(\"n\") = %v, want %v", got, want)
	}
	for _, e := range log {
		if !e.Truncated {
			t.Fatalf("e.Truncated is false, want true")
		}
		if fieldBytes(e.Header) > maxLoggedHeaderBytes {
			t.Fatalf("fieldBytes(e.Header) = %v, want <= %v", fieldBytes(e.Header), maxLoggedHeaderBytes)
		}
		if fieldBytes(e.Query) > maxLoggedHeaderBytes {
			t.Fatalf("fieldBytes(e.Query) = %v, want <= %v", fieldBytes(e.Query), maxLoggedHeaderBytes)
		}
		if fieldCount(e.Header) > maxLoggedValues {
			t.Fatalf("fieldCount(e.Header) = %v, want <= %v", fieldCount(e.Header), maxLoggedValues)
		}
	}

	// Bodies are capped too; short ones are kept whole.
	srv.ResetRequests()
	long := `{"tags":{"pad":"` + strings.Repeat("x", 2*maxLoggedBodyBytes) + `"}}`
	if got := call(t, srv, "PATCH", "/events/e1", long).status; got != http.StatusOK {
		t.Fatalf("call(t, srv, \"PATCH\", \"/events/e1\", long).status = %v, want %v", got, http.StatusOK)
	}
	if got := call(t, srv, "PATCH", "/events/e1", `{"suspect":true}`).status; got != http.StatusOK {
		t.Fatalf("call(t, srv, \"PATCH\", \"/events/e1\", `{\"suspect\":true}`).status = %v, want %v", got, http.StatusOK)
	}
	log = srv.Requests()
	if got := len(log[0].Body); got != maxLoggedBodyBytes {
		t.Fatalf("len(log[0].Body) = %d, want %d", got, maxLoggedBodyBytes)
	}
	if !log[0].Truncated {
		t.Fatalf("log[0].Truncated is false, want true")
	}
	if got := string(log[1].Body); got != `{"suspect":true}` {
		t.Fatalf("string(log[1].Body) = %q, want %q", got, `{"suspect":true}`)
	}
	if log[1].Truncated {
		t.Fatalf("log[1].Truncated is true, want false")
	}
}

func fieldBytes[M ~map[string][]string](m M) int {
	n := 0
	for k, vs := range m {
		for _, v := range vs {
			n += len(k) + len(v)
		}
	}
	return n
}

func fieldCount[M ~map[string][]string](m M) int {
	n := 0
	for _, vs := range m {
		n += len(vs)
	}
	return n
}

// A body that never arrives, on a request the fake answers without reading it, used to
// leave the client waiting forever: net/http drained the body first, with no deadline.
func TestRejectedRequestWithASlowBodyIsAnswered(t *testing.T) {
	srv := NewServer(t, WithBodyReadTimeout(200*time.Millisecond))
	hostPort := strings.TrimPrefix(strings.TrimSuffix(srv.URL(), BasePath), "http://")
	cases := []struct {
		name, method, path, key string
		fault                   *Fault
		status                  int
	}{
		{name: "wrong key", method: "PATCH", path: "/v4/events/e1", key: "wrong", fault: nil, status: http.StatusForbidden},
		{name: "no key", method: "POST", path: "/v4/edge", key: "", fault: nil, status: http.StatusForbidden},
		{name: "unknown path", method: "POST", path: "/v4/nowhere", key: srv.APIKey(), fault: nil, status: http.StatusNotFound},
		{name: "outside the base path", method: "POST", path: "/other", key: srv.APIKey(), fault: nil, status: http.StatusNotFound},
		{name: "wrong method", method: "PUT", path: "/v4/events/e1", key: srv.APIKey(), fault: nil, status: http.StatusMethodNotAllowed},
		{name: "injected fault", method: "PATCH", path: "/v4/events/e1", key: srv.APIKey(), fault: &Fault{Status: http.StatusServiceUnavailable}, status: http.StatusServiceUnavailable},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.fault != nil {
				srv.MustFailNext(1, *c.fault)
			}
			var d net.Dialer
			conn, err := d.DialContext(t.Context(), "tcp", hostPort)
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			defer conn.Close()
			auth := ""
			if c.key != "" {
				auth = "Authorization: Bearer " + c.key + "\r\n"
			}
			_, err = fmt.Fprintf(conn, "%s %s HTTP/1.1\r\nHost: x\r\n%sContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"a\":", c.method, c.path, auth)
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			// ...and the rest of the body never comes. The deadline only stops a hung
			// test; the server answers after its 200 ms body timeout.
			_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
			res, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatalf("the server must answer a rejected request whose body stalls: unexpected error: %v", err)
			}
			defer res.Body.Close()
			if got, want := res.StatusCode, c.status; !reflect.DeepEqual(got, want) {
				t.Fatalf("res.StatusCode = %v, want %v", got, want)
			}
		})
	}
}
