package fingerprinttest

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/gen"
	"github.com/stretchr/testify/require"
)

func TestFailNextStatuses(t *testing.T) {
	srv := NewServer(t, WithClock(fixedClock), WithEvents(at("e1", 1)))
	require.NoError(t, srv.FailNext(2, TooManyRequests("3")))
	require.Equal(t, 2, srv.PendingFaults())
	for range 2 {
		r := call(t, srv, "GET", "/events/e1", nil)
		wantError(t, r, http.StatusTooManyRequests, gen.ErrorCodeTooManyRequests, "too many requests")
		require.Equal(t, "3", r.header.Get("Retry-After"))
	}
	require.Equal(t, http.StatusOK, call(t, srv, "GET", "/events/e1", nil).status)
	require.Zero(t, srv.PendingFaults())

	require.NoError(t, srv.FailNext(1, ServiceUnavailableHTML()))
	r := call(t, srv, "GET", "/events/e1", nil)
	require.Equal(t, http.StatusServiceUnavailable, r.status)
	require.Contains(t, r.header.Get("Content-Type"), "text/html")
	require.Contains(t, string(r.body), "<html>")

	// The API's own 503 (documented for get and search) is JSON with service_unavailable.
	require.NoError(t, srv.FailNext(1, Fault{Status: http.StatusServiceUnavailable, RetryAfter: "5"}))
	r = call(t, srv, "GET", "/events/e1", nil)
	wantError(t, r, http.StatusServiceUnavailable, gen.ErrorCodeServiceUnavailable, "service unavailable")
	require.Equal(t, "5", r.header.Get("Retry-After"))

	require.NoError(t, srv.FailNext(1, InternalError()))
	wantError(t, call(t, srv, "GET", "/events?limit=1", nil), http.StatusInternalServerError, gen.ErrorCodeFailed, "internal server error")
	require.NoError(t, srv.FailNext(1, GatewayTimeout()))
	wantError(t, call(t, srv, "GET", "/events", nil), http.StatusGatewayTimeout, gen.ErrorCodeFailed, "gateway timeout")
	require.NoError(t, srv.FailNext(1, BadGatewayHTML()))
	require.Equal(t, http.StatusBadGateway, call(t, srv, "GET", "/events", nil).status)
	require.NoError(t, srv.FailNext(1, Fault{Status: 403, Code: gen.ErrorCodeWrongRegion, Message: "wrong region"}))
	wantError(t, call(t, srv, "GET", "/events", nil), http.StatusForbidden, gen.ErrorCodeWrongRegion, "wrong region")

	log := srv.Requests()
	require.Equal(t, "status 429", log[0].Fault)
	require.Equal(t, "", log[2].Fault)

	// Defaults follow the operation, as the real API's bodies do.
	require.NoError(t, srv.FailNext(1, TooManyRequests("")))
	r = call(t, srv, "GET", "/events", nil)
	wantError(t, r, http.StatusTooManyRequests, gen.ErrorCodeTooManyRequests, "too many search requests")
	require.Empty(t, r.header.Get("Retry-After"))
	require.NoError(t, srv.FailNext(1, Fault{Status: 404}))
	wantError(t, call(t, srv, "GET", "/events/e1", nil), http.StatusNotFound, gen.ErrorCodeEventNotFound, "event id not found")
	require.NoError(t, srv.FailNext(1, Fault{Status: 404}))
	wantError(t, call(t, srv, "DELETE", "/visitors/v1", nil), http.StatusNotFound, gen.ErrorCodeVisitorNotFound, "visitor not found")
	require.NoError(t, srv.FailNext(1, Fault{Status: 418}))
	wantError(t, call(t, srv, "GET", "/events/e1", nil), http.StatusTeapot, gen.ErrorCodeFailed, "I'm a teapot")
}

func TestFaultsTargetOneOperation(t *testing.T) {
	srv := NewServer(t, WithClock(fixedClock), WithEvents(at("e1", 1)))
	require.NoError(t, srv.FailNext(1, StateNotReady()))
	require.Equal(t, http.StatusOK, call(t, srv, "GET", "/events/e1", nil).status, "GET is not an update")
	wantError(t, call(t, srv, "PATCH", "/events/e1", `{"suspect":true}`), http.StatusConflict, gen.ErrorCodeStateNotReady, "")
	require.Equal(t, http.StatusOK, call(t, srv, "PATCH", "/events/e1", `{"suspect":true}`).status)

	// Faults queue in order.
	require.NoError(t, srv.FailNext(1, Fault{Status: 500}))
	require.NoError(t, srv.FailNext(1, Fault{Status: 502}))
	require.Equal(t, 500, call(t, srv, "GET", "/events", nil).status)
	require.Equal(t, 502, call(t, srv, "GET", "/events", nil).status)

	require.Error(t, srv.FailNext(0, InternalError()))
	require.Error(t, srv.FailNext(1, Fault{Status: 42}))
	require.Error(t, srv.FailNext(1, Fault{Status: 500, Operation: "nope"}))
}

func rawGet(t *testing.T, srv *Server, path string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(t.Context(), "GET", srv.URL()+path, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+srv.APIKey())
	return http.DefaultClient.Do(req)
}

func TestTruncatedBody(t *testing.T) {
	srv := NewServer(t, WithEvents(FullEvent()))
	require.NoError(t, srv.FailNext(1, TruncatedBody()))
	res, err := rawGet(t, srv, "/events/"+FullEvent().EventID)
	require.NoError(t, err, "the status line and headers arrive")
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	b, err := io.ReadAll(res.Body)
	require.ErrorIs(t, err, io.ErrUnexpectedEOF)
	require.Less(t, int64(len(b)), res.ContentLength)
	require.Equal(t, "truncate", srv.Requests()[0].Fault)
}

func TestConnectionReset(t *testing.T) {
	srv := NewServer(t)
	require.NoError(t, srv.FailNext(1, ConnectionReset()))
	if res, err := rawGet(t, srv, "/events"); err == nil {
		res.Body.Close()
		t.Fatal("a reset connection gives no response")
	}
	require.Equal(t, 0, srv.Requests()[0].Status)
	res, err := rawGet(t, srv, "/events")
	require.NoError(t, err, "only one request is affected")
	res.Body.Close()
}

func TestLatency(t *testing.T) {
	srv := NewServer(t, WithLatency(300*time.Millisecond))
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", srv.URL()+"/events", nil)
	require.NoError(t, err)
	res, err := http.DefaultClient.Do(req)
	if err == nil {
		res.Body.Close()
	}
	require.True(t, errors.Is(err, context.DeadlineExceeded), "got %v", err)

	srv.SetLatency(0)
	start := time.Now()
	res, err = rawGet(t, srv, "/events")
	require.NoError(t, err)
	res.Body.Close()
	require.Less(t, time.Since(start), 300*time.Millisecond)

	require.NoError(t, srv.FailNext(1, Fault{Status: 500, Delay: 200 * time.Millisecond}))
	start = time.Now()
	res, err = rawGet(t, srv, "/events")
	require.NoError(t, err)
	res.Body.Close()
	require.GreaterOrEqual(t, time.Since(start), 200*time.Millisecond)
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
		require.NoError(t, <-done)
	}
	require.Len(t, srv.Requests(), 80)
}

// TestEveryOperationTakesFaults: FailNext knows every operation of the spec, so a new
// operation cannot be left out of fault injection.
func TestEveryOperationTakesFaults(t *testing.T) {
	sp, err := loadSpec()
	require.NoError(t, err)
	srv := NewServer(t)
	n := 0
	for _, item := range sp.doc.Paths.Map() {
		for _, op := range item.Operations() {
			require.NoError(t, srv.FailNext(1, Fault{Operation: op.OperationID, Status: 500}), op.OperationID)
			n++
		}
	}
	require.Equal(t, 6, n)
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
	require.Equal(t, 1, srv.PendingFaults(), "an unauthenticated request took the fault")
	wantError(t, call(t, srv, "GET", "/events/e1", nil), http.StatusServiceUnavailable, gen.ErrorCodeServiceUnavailable, "service unavailable")
	require.Zero(t, srv.PendingFaults())
	log := srv.Requests()
	require.Equal(t, []string{"", "", "status 503"}, []string{log[0].Fault, log[1].Fault, log[2].Fault})
}
