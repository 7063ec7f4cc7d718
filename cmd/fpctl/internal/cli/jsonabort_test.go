package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
)

// TestJSONExportFailingMidwayIsValidJSON: the first page arrives, the second fails:
// --format json still writes a complete array (of the first page) and exits 1.
func TestJSONExportFailingMidwayIsValidJSON(t *testing.T) {
	ev := fingerprinttest.FullEvent()
	page, err := json.Marshal(map[string]any{"events": []fingerprint.Event{ev, ev}, "pagination_key": "next-page"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Query().Get("pagination_key") != "" {
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte(`{"error":{"code":"failed","message":"boom"}}`))
			return
		}
		_, _ = w.Write(page)
	}))
	defer srv.Close()
	var out, errb bytes.Buffer
	code := Run(context.Background(), []string{"events", "search", "--base-url", srv.URL, "--retries", "0", "--limit", "2", "--format", "json"},
		&Env{Stdout: &out, Stderr: &errb, Getenv: env(envSecretKey, "sk_test_abort_1234")})
	if code != 1 {
		t.Fatalf("exit %d, want 1: %s", code, errb.String())
	}
	var got []fingerprint.Event
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("output is not valid JSON after a failure midway: %v\n%s", err, out.String())
	}
	if len(got) != 2 || !bytes.Contains(errb.Bytes(), []byte("500")) {
		t.Errorf("%d events written, stderr %q", len(got), errb.String())
	}
}
