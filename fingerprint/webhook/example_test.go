package webhook_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/webhook"
)

func ExampleVerify() {
	// r.Header.Get(webhook.SignatureHeader) and the raw body in a real handler.
	header := "v1=1b2c16b75bd2a870c114153ccda5bcfca63314bc722fa160d690de133ccbb9db"
	body := []byte("data")

	if err := webhook.Verify(header, body, "secret"); err != nil {
		fmt.Println("rejected:", err)
	} else {
		fmt.Println("valid")
	}

	err := webhook.Verify(header, []byte("tampered"), "secret")
	fmt.Println(errors.Is(err, webhook.ErrInvalidSignature))
	// Output:
	// valid
	// true
}

func ExampleSign() {
	// Sign fake deliveries in your own tests.
	fmt.Println(webhook.Sign([]byte("data"), "secret"))
	// Output:
	// v1=1b2c16b75bd2a870c114153ccda5bcfca63314bc722fa160d690de133ccbb9db
}

func ExampleHandler() {
	const secret = "whsec-from-the-dashboard"
	mux := http.NewServeMux()
	mux.Handle("/webhooks/fingerprint", webhook.Handler(secret, func(ctx context.Context, ev *fingerprint.Event) error {
		// Deliveries can repeat: use ev.EventID as an idempotency key.
		fmt.Println("received", ev.EventID)
		return nil // a non-nil error answers 500, so the delivery is retried
	}, nil))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	// What Fingerprint sends, as the event happens (older events are refused: MaxEventAge):
	body := fmt.Sprintf(`{"event_id":"1760000000123.Ab3xYz","timestamp":%d}`, time.Now().UnixMilli())
	for _, sig := range []string{webhook.Sign([]byte(body), secret), "v1=forged"} {
		req, err := http.NewRequest(http.MethodPost, srv.URL+"/webhooks/fingerprint", strings.NewReader(body))
		if err != nil {
			log.Fatal(err)
		}
		req.Header.Set(webhook.SignatureHeader, sig)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			log.Fatal(err)
		}
		res.Body.Close()
		fmt.Println(res.StatusCode)
	}
	// Output:
	// received 1760000000123.Ab3xYz
	// 200
	// 401
}

func ExampleHandler_options() {
	const secret = "whsec-from-the-dashboard"
	h := webhook.Handler(secret, func(ctx context.Context, ev *fingerprint.Event) error { return nil }, &webhook.HandlerOptions{
		MaxBodyBytes: 256, // events are larger in practice; the default is 1 MiB
		OnError: func(r *http.Request, status int, err error) {
			fmt.Println("rejected:", status, errors.Is(err, webhook.ErrInvalidSignature))
		},
	})
	srv := httptest.NewServer(h)
	defer srv.Close()

	body := `{"event_id":"1760000000123.Ab3xYz","timestamp":1760000000123}`
	for _, b := range []string{body, body + strings.Repeat(" ", 256)} {
		req, err := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(b))
		if err != nil {
			log.Fatal(err)
		}
		req.Header.Set(webhook.SignatureHeader, "v1=forged")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			log.Fatal(err)
		}
		res.Body.Close()
		fmt.Println(res.StatusCode)
	}
	// Output:
	// rejected: 401 true
	// 401
	// rejected: 413 false
	// 413
}

// ExampleHandler_serverTimeouts mounts the handler on a server with the timeouts
// every public endpoint should have: the handler bounds the body (ReadTimeout, 10 s by
// default), the server bounds the headers, the whole exchange and idle connections.
func ExampleHandler_serverTimeouts() {
	h := webhook.Handler("whsec-from-the-dashboard", func(ctx context.Context, ev *fingerprint.Event) error { return nil }, &webhook.HandlerOptions{ReadTimeout: 5 * time.Second}) // a delivery is a few KiB
	mux := http.NewServeMux()
	mux.Handle("/webhooks/fingerprint", h)
	srv := &http.Server{
		Addr:              ":8443",
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
	}
	_ = srv // srv.ListenAndServeTLS(certFile, keyFile) in a real program
}
