package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
)

// TestExportStopsOnPaginationCycle: a server whose pagination keys cycle A -> B -> A
// made the export run forever (issue 17 item 8: 26,000 events in 8 s and going). The
// export uses the SDK's loop protection: it writes the three distinct pages, then stops
// with the SDK's ErrPaginationLoop message and exit 1. With --max, which makes the last
// pages smaller, the protection still holds.
func TestExportStopsOnPaginationCycle(t *testing.T) {
	ev := fingerprinttest.NewGenerator(3).Events(1)[0]
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if requests.Add(1) > 50 {
			http.Error(w, `{"error":{"code":"failed","message":"the export did not stop"}}`, http.StatusInternalServerError)
			return
		}
		next := map[string]string{"": "A", "A": "B", "B": "A"}[r.URL.Query().Get("pagination_key")]
		ev.EventID = fmt.Sprintf("%d.cycle%d", ev.Timestamp, requests.Load())
		b, _ := json.Marshal(map[string]any{"events": []any{ev}, "pagination_key": next})
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(b)
	}))
	defer srv.Close()
	for _, extra := range [][]string{nil, {"--max", "10", "--limit", "5"}} {
		requests.Store(0)
		var stdout, stderr bytes.Buffer
		args := append([]string{"events", "search", "--base-url", srv.URL, "--format", "jsonl"}, extra...)
		code := Run(t.Context(), args, &Env{Stdout: &stdout, Stderr: &stderr, Getenv: env(envSecretKey, "sk_test_0123456789")})
		if code != exitFailure || !strings.Contains(stderr.String(), "pagination_key that was already used") {
			t.Fatalf("%v: exit %d, stderr %q", extra, code, stderr.String())
		}
		if n := strings.Count(stdout.String(), "\n"); n != 3 || requests.Load() != 3 {
			t.Errorf("%v: %d events written in %d requests, want the 3 pages before the cycle closed", extra, n, requests.Load())
		}
	}
}
