package fingerprinttest

import (
	"context"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/gen"
)

func TestFailNextStatuses(t *testing.T) {
	srv := NewServer(t, WithClock(fixedClock), WithEvents(at("e1", 1)))
	if err := srv.FailNext(2, TooManyRequests("3")); err != nil {
		t.Fatalf("srv.FailNext(2, TooManyRequests(\"3\")): %v", err)
	}
	if got := srv.PendingFaults(); got != 2 {
		t.Fatalf("srv.PendingFaults() = %v, want %v", got, 2)
	}
	for range 2 {
		r := call(t, srv, "GET", "/events/e1", nil)
		wantError(t, r, http.StatusTooManyRequests, gen.ErrorCodeTooManyRequests, "too many requests")
		if got := r.header.Get("Retry-After"); got != "3" {
			t.Fatalf("r.header.Get(\"Retry-After\") = %q, want %q", got, "3")
		}
	}
	if got := call(t, srv, "GET", "/events/e1", nil).status; got != http.StatusOK {
		t.Fatalf("call(t, srv, \"GET\", \"/events/e1\", nil).status = %v, want %v", got, http.StatusOK)
	}
	if srv.PendingFaults() != 0 {
		t.Fatalf("srv.PendingFaults() = %v, want 0", srv.PendingFaults())
	}

	if err := srv.FailNext(1, ServiceUnavailableHTML()); err != nil {
		t.Fatalf("srv.FailNext(1, ServiceUnavailableHTML()): %v", err)
	}
	r := call(t, srv, "GET", "/events/e1", nil)
	if r.status != http.StatusServiceUnavailable {
		t.Fatalf("r.status = %v, want %v", r.status, http.StatusServiceUnavailable)
	}
	if !strings.Contains(r.header.Get("Content-Type"), "text/html") {
		t.Fatalf("r.header.Get(\"Content-Type\") = %q, want it to contain %q", r.header.Get("Content-Type"), "text/html")
	}
	if !strings.Contains(string(r.body), "<html>") {
		t.Fatalf("string(r.body) = %q, want it to contain %q", string(r.body), "<html>")
	}

	// The API's own 503 (documented for get and search) is JSON with service_unavailable.
	if err := srv.FailNext(1, Fault{Status: http.StatusServiceUnavailable, RetryAfter: "5"}); err != nil {
		t.Fatalf("srv.FailNext: %v", err)
	}
	r = call(t, srv, "GET", "/events/e1", nil)
	wantError(t, r, http.StatusServiceUnavailable, gen.ErrorCodeServiceUnavailable, "service unavailable")
	if got := r.header.Get("Retry-After"); got != "5" {
		t.Fatalf("r.header.Get(\"Retry-After\") = %q, want %q", got, "5")
	}

	if err := srv.FailNext(1, InternalError()); err != nil {
		t.Fatalf("srv.FailNext(1, InternalError()): %v", err)
	}
	wantError(t, call(t, srv, "GET", "/events?limit=1", nil), http.StatusInternalServerError, gen.ErrorCodeFailed, "internal server error")
	if err := srv.FailNext(1, GatewayTimeout()); err != nil {
		t.Fatalf("srv.FailNext(1, GatewayTimeout()): %v", err)
	}
	wantError(t, call(t, srv, "GET", "/events", nil), http.StatusGatewayTimeout, gen.ErrorCodeFailed, "gateway timeout")
	if err := srv.FailNext(1, BadGatewayHTML()); err != nil {
		t.Fatalf("srv.FailNext(1, BadGatewayHTML()): %v", err)
	}
	if got := call(t, srv, "GET", "/events", nil).status; got != http.StatusBadGateway {
		t.Fatalf("call(t, srv, \"GET\", \"/events\", nil).status = %v, want %v", got, http.StatusBadGateway)
	}
	if err := srv.FailNext(1, Fault{Status: 403, Code: gen.ErrorCodeWrongRegion, Message: "wrong region"}); err != nil {
		t.Fatalf("srv.FailNext: %v", err)
	}
	wantError(t, call(t, srv, "GET", "/events", nil), http.StatusForbidden, gen.ErrorCodeWrongRegion, "wrong region")

	log := srv.Requests()
	if got := log[0].Fault; got != "status 429" {
		t.Fatalf("log[0].Fault = %q, want %q", got, "status 429")
	}
	if got := log[2].Fault; got != "" {
		t.Fatalf("log[2].Fault = %q, want %q", got, "")
	}

	// Defaults follow the operation, as the real API's bodies do.
	if err := srv.FailNext(1, TooManyRequests("")); err != nil {
		t.Fatalf("srv.FailNext(1, TooManyRequests(\"\")): %v", err)
	}
	r = call(t, srv, "GET", "/events", nil)
	wantError(t, r, http.StatusTooManyRequests, gen.ErrorCodeTooManyRequests, "too many search requests")
	if len(r.header.Get("Retry-After")) != 0 {
		t.Fatalf("r.header.Get(\"Retry-After\") = %v, want empty", r.header.Get("Retry-After"))
	}
	if err := srv.FailNext(1, Fault{Status: 404}); err != nil {
		t.Fatalf("srv.FailNext(1, Fault{Status: 404}): %v", err)
	}
	wantError(t, call(t, srv, "GET", "/events/e1", nil), http.StatusNotFound, gen.ErrorCodeEventNotFound, "event id not found")
	if err := srv.FailNext(1, Fault{Status: 404}); err != nil {
		t.Fatalf("srv.FailNext(1, Fault{Status: 404}): %v", err)
	}
	wantError(t, call(t, srv, "DELETE", "/visitors/v1", nil), http.StatusNotFound, gen.ErrorCodeVisitorNotFound, "visitor not found")
	if err := srv.FailNext(1, Fault{Status: 418}); err != nil {
		t.Fatalf("srv.FailNext(1, Fault{Status: 418}): %v", err)
	}
	wantError(t, call(t, srv, "GET", "/events/e1", nil), http.StatusTeapot, gen.ErrorCodeFailed, "I'm a teapot")
}

func TestFaultsTargetOneOperation(t *testing.T) {
	srv := NewServer(t, WithClock(fixedClock), WithEvents(at("e1", 1)))
	if err := srv.FailNext(1, StateNotReady()); err != nil {
		t.Fatalf("srv.FailNext(1, StateNotReady()): %v", err)
	}
	if got := call(t, srv, "GET", "/events/e1", nil).status; got != http.StatusOK {
		t.Fatalf("GET is not an update: call(t, srv, \"GET\", \"/events/e1\", nil).status = %v, want %v", got, http.StatusOK)
	}
	wantError(t, call(t, srv, "PATCH", "/events/e1", `{"suspect":true}`), http.StatusConflict, gen.ErrorCodeStateNotReady, "")
	if got := call(t, srv, "PATCH", "/events/e1", `{"suspect":true}`).status; got != http.StatusOK {
		t.Fatalf("call(t, srv, \"PATCH\", \"/events/e1\", `{\"suspect\":true}`).status = %v, want %v", got, http.StatusOK)
	}

	// Faults queue in order.
	if err := srv.FailNext(1, Fault{Status: 500}); err != nil {
		t.Fatalf("srv.FailNext(1, Fault{Status: 500}): %v", err)
	}
	if err := srv.FailNext(1, Fault{Status: 502}); err != nil {
		t.Fatalf("srv.FailNext(1, Fault{Status: 502}): %v", err)
	}
	if got := call(t, srv, "GET", "/events", nil).status; got != 500 {
		t.Fatalf("call(t, srv, \"GET\", \"/events\", nil).status = %v, want %v", got, 500)
	}
	if got := call(t, srv, "GET", "/events", nil).status; got != 502 {
		t.Fatalf("call(t, srv, \"GET\", \"/events\", nil).status = %v, want %v", got, 502)
	}

	if err := srv.FailNext(0, InternalError()); err == nil {
		t.Fatalf("srv.FailNext(0, InternalError()): got nil error, want an error")
	}
	if err := srv.FailNext(1, Fault{Status: 42}); err == nil {
		t.Fatalf("srv.FailNext(1, Fault{Status: 42}): got nil error, want an error")
	}
	if err := srv.FailNext(1, Fault{Status: 500, Operation: "nope"}); err == nil {
		t.Fatalf("srv.FailNext(1, Fault{Status: 500, Operation: \"nope\"}): got nil error, want an error")
	}
}

func rawGet(t *testing.T, srv *Server, path string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(t.Context(), "GET", srv.URL()+path, nil)
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	req.Header.Set("Authorization", "Bearer "+srv.APIKey())
	return http.DefaultClient.Do(req)
}

func TestTruncatedBody(t *testing.T) {
	srv := NewServer(t, WithEvents(FullEvent()))
	if err := srv.FailNext(1, TruncatedBody()); err != nil {
		t.Fatalf("srv.FailNext(1, TruncatedBody()): %v", err)
	}
	res, err := rawGet(t, srv, "/events/"+FullEvent().EventID)
	if err != nil {
		t.Fatalf("the status line and headers arrive: unexpected error: %v", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("res.StatusCode = %v, want %v", res.StatusCode, http.StatusOK)
	}
	b, err := io.ReadAll(res.Body)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("error = %v, want errors.Is io.ErrUnexpectedEOF", err)
	}
	if int64(len(b)) >= res.ContentLength {
		t.Fatalf("int64(len(b)) = %v, want < %v", int64(len(b)), res.ContentLength)
	}
	if got := srv.Requests()[0].Fault; got != "truncate" {
		t.Fatalf("srv.Requests()[0].Fault = %q, want %q", got, "truncate")
	}
}

func TestConnectionReset(t *testing.T) {
	srv := NewServer(t)
	if err := srv.FailNext(1, ConnectionReset()); err != nil {
		t.Fatalf("srv.FailNext(1, ConnectionReset()): %v", err)
	}
	if res, err := rawGet(t, srv, "/events"); err == nil {
		res.Body.Close()
		t.Fatal("a reset connection gives no response")
	}
	if got := srv.Requests()[0].Status; got != 0 {
		t.Fatalf("srv.Requests()[0].Status = %v, want %v", got, 0)
	}
	res, err := rawGet(t, srv, "/events")
	if err != nil {
		t.Fatalf("only one request is affected: unexpected error: %v", err)
	}
	res.Body.Close()
}

func TestLatency(t *testing.T) {
	srv := NewServer(t, WithLatency(300*time.Millisecond))
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", srv.URL()+"/events", nil)
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	res, err := http.DefaultClient.Do(req)
	if err == nil {
		res.Body.Close()
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v: errors.Is(err, context.DeadlineExceeded) is false, want true", err)
	}

	srv.SetLatency(0)
	start := time.Now()
	res, err = rawGet(t, srv, "/events")
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	res.Body.Close()
	if time.Since(start) >= (300 * time.Millisecond) {
		t.Fatalf("time.Since(start) = %v, want < %v", time.Since(start), 300*time.Millisecond)
	}

	if err := srv.FailNext(1, Fault{Status: 500, Delay: 200 * time.Millisecond}); err != nil {
		t.Fatalf("srv.FailNext(1, Fault{Status: 500, Delay: 200 * time.Millisecond}): %v", err)
	}
	start = time.Now()
	res, err = rawGet(t, srv, "/events")
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	res.Body.Close()
	if time.Since(start) < (200 * time.Millisecond) {
		t.Fatalf("time.Since(start) = %v, want >= %v", time.Since(start), 200*time.Millisecond)
	}
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel() // heavy: overlaps with the other heavy tests
	g := NewGenerator(7)
	srv := NewServer(t, WithEvents(g.Events(50)...))
	done := make(chan error)
	for w := range 8 {
		go func() {
			var err error
			for i := range 20 {
				switch (w + i) % 4 {
				case 0:
					err = srv.AddEvents(g.Event())
				case 1:
					var res *http.Response
					if res, err = rawGet(t, srv, "/events?limit=20"); err == nil {
						_, err = io.Copy(io.Discard, res.Body)
						res.Body.Close()
					}
				case 2:
					_ = srv.FailNext(1, Fault{Status: 500, Operation: OpGetEvent})
					_ = srv.Requests()
				case 3:
					ev := srv.Events()[0]
					req, _ := http.NewRequestWithContext(t.Context(), "PATCH", srv.URL()+"/events/"+ev.EventID, strings.NewReader(`{"suspect":true}`))
					req.Header.Set("Authorization", "Bearer "+srv.APIKey())
					req.Header.Set("Content-Type", "application/json")
					var res *http.Response
					if res, err = http.DefaultClient.Do(req); err == nil {
						res.Body.Close()
					}
				}
				if err != nil {
					break
				}
			}
			done <- err
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Fatalf("<-done: %v", err)
		}
	}
	if got := len(srv.Requests()); got != 80 {
		t.Fatalf("len(srv.Requests()) = %d, want %d", got, 80)
	}
}

// TestEveryOperationTakesFaults: FailNext knows every operation of the spec, so a new
// operation cannot be left out of fault injection.
func TestEveryOperationTakesFaults(t *testing.T) {
	sp, err := loadSpec()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	srv := NewServer(t)
	n := 0
	for _, item := range sp.doc.Paths.Map() {
		for _, op := range item.Operations() {
			if err := srv.FailNext(1, Fault{Operation: op.OperationID, Status: 500}); err != nil {
				t.Fatalf("%v: (srv.FailNext(1, Fault{Operation: op.OperationID, Status: 500})): %v", op.OperationID, err)
			}
			n++
		}
	}
	if n != 6 {
		t.Fatalf("n = %v, want %v", n, 6)
	}
}

// TestFaultsBelongToAuthenticatedCalls: a stray request without the key, or with a
// wrong one, took the 503 a test had queued for its own call (issue 17 §12).
func TestFaultsBelongToAuthenticatedCalls(t *testing.T) {
	srv := NewServer(t, WithClock(fixedClock), WithEvents(at("e1", 1)))
	srv.MustFailNext(1, Fault{Status: http.StatusServiceUnavailable})
	wantError(t, call(t, srv, "GET", "/events/e1", nil, "Authorization", ""), http.StatusForbidden,
		gen.ErrorCodeSecretAPIKeyRequired, errKeyRequired.message)
	wantError(t, call(t, srv, "GET", "/events/e1", nil, "Authorization", "Bearer wrong"), http.StatusForbidden,
		gen.ErrorCodeSecretAPIKeyNotFound, errKeyNotFound.message)
	if got := srv.PendingFaults(); got != 1 {
		t.Fatalf("an unauthenticated request took the fault: srv.PendingFaults() = %v, want %v", got, 1)
	}
	wantError(t, call(t, srv, "GET", "/events/e1", nil), http.StatusServiceUnavailable, gen.ErrorCodeServiceUnavailable, "service unavailable")
	if srv.PendingFaults() != 0 {
		t.Fatalf("srv.PendingFaults() = %v, want 0", srv.PendingFaults())
	}
	log := srv.Requests()
	if got, want := []string{log[0].Fault, log[1].Fault, log[2].Fault}, []string{"", "", "status 503"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("[]string{log[0].Fault, log[1].Fault, log[2].Fault} = %v, want %v", got, want)
	}
}
