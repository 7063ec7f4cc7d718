package webhook

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync/atomic"
	"time"
)

// DefaultReadTimeout is how long Handler waits for the whole request body
// by default. A delivery is a few KiB sent by Fingerprint's servers in one go; a body
// that takes longer than 10 s is a stalled or hostile client holding a connection open
// (50 such clients sending 1 byte a second would otherwise stay forever on a server
// without ReadTimeout).
const DefaultReadTimeout = 10 * time.Second

// errBodyTimeout is wrapped by the error OnError receives for a body that did not
// arrive within the read timeout (answered with 408).
var errBodyTimeout = errors.New("fingerprint: webhook: request body not received in time")

// readBody reads the body, at most maxBody bytes, within timeout, and never later than
// the http.Server's own ReadTimeout allows (the handler never loosens the server's bound).
//
// net/http counts the server's ReadTimeout from the start of the request, headers
// included; a read deadline set here would restart that clock (issue 17 §5: with
// ReadTimeout 2 s and slow headers, the connection lasted 3.9 s). So when the server has
// a ReadTimeout, its deadline is left alone: it bounds the body by itself when it is the
// shorter, and a shorter timeout of the handler is kept by a timer (see below). Without
// one, the handler sets a read deadline of timeout through http.ResponseController.
//
// When the ResponseWriter does not support deadlines (a wrapper without Unwrap, an
// httptest.ResponseRecorder), or the timer is needed, the body is read on a goroutine
// bounded by a timer. The caller must call wait before returning from ServeHTTP: in the
// timer case it waits until that goroutine has stopped reading, which it does at the
// next Read (or at the server's deadline), so the body is never read after the handler
// returned. Without a server ReadTimeout the connection is then not bounded: net/http
// itself reads up to 256 KiB of what is left of the body before it closes the
// connection, and only the server's ReadTimeout bounds that.
func readBody(w http.ResponseWriter, r *http.Request, maxBody int64, timeout time.Duration) (body []byte, wait func(), err error) {
	noWait := func() {}
	serverTimeout := time.Duration(0)
	if srv, ok := r.Context().Value(http.ServerContextKey).(*http.Server); ok && srv.ReadTimeout > 0 {
		serverTimeout = srv.ReadTimeout
	}
	if serverTimeout > 0 && serverTimeout <= timeout {
		// The server's deadline, counted from the start of the request, comes first.
		body, err = io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if isTimeout(err) {
			err = fmt.Errorf("%w within the server's ReadTimeout of %v: %w", errBodyTimeout, serverTimeout, err)
		}
		return body, noWait, err
	}
	rc := http.NewResponseController(w)
	if serverTimeout == 0 && rc.SetReadDeadline(time.Now().Add(timeout)) == nil {
		body, err = io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			// Keep the deadline: after the handler, net/http reads what is left of a
			// small body before closing, and the deadline bounds that read too.
			if isTimeout(err) {
				err = fmt.Errorf("%w within %v: %w", errBodyTimeout, timeout, err)
			}
			return nil, noWait, err
		}
		// The deadline was for the body only: lift it, so that it never applies to what
		// follows on this connection (the callback may run longer than ReadTimeout, and
		// net/http sets its own deadlines for the next request).
		_ = rc.SetReadDeadline(time.Time{})
		return body, noWait, nil
	}

	sr := &stoppableBody{body: r.Body}
	type result struct {
		body []byte
		err  error
	}
	done := make(chan result, 1)
	go func() {
		// nil ResponseWriter: this goroutine must not touch w, which belongs to the handler.
		b, err := io.ReadAll(http.MaxBytesReader(nil, sr, maxBody))
		done <- result{b, err}
	}()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case res := <-done:
		if isTimeout(res.err) { // the server's deadline came first
			res.err = fmt.Errorf("%w within the server's ReadTimeout of %v: %w", errBodyTimeout, serverTimeout, res.err)
		}
		return res.body, noWait, res.err
	case <-t.C:
		sr.stop.Store(true)
		return nil, func() { <-done }, fmt.Errorf("%w within %v", errBodyTimeout, timeout)
	}
}

// isTimeout reports whether err is a read deadline that passed.
func isTimeout(err error) bool {
	if err == nil {
		return false
	}
	var ne net.Error
	return errors.Is(err, os.ErrDeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

// stoppableBody fails every Read once stop is set, so a reader goroutine ends at its
// next Read after the timer fired.
type stoppableBody struct {
	body io.ReadCloser
	stop atomic.Bool
}

func (s *stoppableBody) Read(p []byte) (int, error) {
	if s.stop.Load() {
		return 0, errBodyTimeout
	}
	return s.body.Read(p)
}

func (s *stoppableBody) Close() error { return s.body.Close() }
