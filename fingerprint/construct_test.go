package fingerprint_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/fpgo/fingerprint-go/fingerprint"
)

// TestConstructorsPanicOnMisconfiguration (issue 9 §7): constructors that return an
// http.Handler or middleware cannot return an error, so a configuration that could only
// fail every request panics at construction, with a "fingerprint: " message saying what
// is wrong, as net/http does for a nil handler. On the old code each of these built a
// handler that answered 500 to every delivery, or a middleware that failed open on every
// request without ever calling Decide.
func TestConstructorsPanicOnMisconfiguration(t *testing.T) {
	t.Parallel()
	fn := func(context.Context, *fingerprint.Event) error { return nil }
	client, err := fingerprint.NewClient("sk_test_0123456789abcdef")
	if err != nil {
		t.Fatal(err)
	}
	var nilClient *fingerprint.Client
	app := http.NotFoundHandler()
	cases := []struct {
		name  string
		build func()
		want  string
	}{
		{"WebhookHandler/empty secret", func() { fingerprint.WebhookHandler("", fn) }, "empty webhook secret"},
		{"WebhookHandler/nil callback", func() { fingerprint.WebhookHandler("whsec", nil) }, "nil callback"},
		{"WebhookHandlerWithOptions/empty secret", func() {
			fingerprint.WebhookHandlerWithOptions("", fn, &fingerprint.WebhookHandlerOptions{MaxBodyBytes: 10})
		}, "empty webhook secret"},
		{"WebhookHandlerWithOptions/nil callback", func() { fingerprint.WebhookHandlerWithOptions("whsec", nil, nil) }, "nil callback"},
		{"EdgeMiddleware/nil client", func() { nilClient.EdgeMiddleware(nil) }, "nil or zero *Client"},
		{"EdgeMiddleware/zero client", func() { (&fingerprint.Client{}).EdgeMiddleware(nil) }, "nil or zero *Client"},
		{"EdgeMiddleware/linked ID too long", func() {
			client.EdgeMiddleware(&fingerprint.EdgeMiddlewareOptions{Request: &fingerprint.EdgeRequestOptions{LinkedID: strings.Repeat("x", 257)}})
		}, "linked_id can't be greater than 256 characters long"},
		{"EdgeMiddleware/tags not JSON", func() {
			client.EdgeMiddleware(&fingerprint.EdgeMiddlewareOptions{Request: &fingerprint.EdgeRequestOptions{Tags: fingerprint.Tags{"f": func() {}}}})
		}, "Tags: cannot be encoded as JSON"},
		{"EdgeMiddleware/nil next handler", func() { client.EdgeMiddleware(nil)(nil) }, "nil next handler"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			msg := panicMessage(tc.build)
			if msg == "" {
				t.Fatal("no panic: the misconfiguration was accepted")
			}
			if !strings.HasPrefix(msg, "fingerprint: ") || !strings.Contains(msg, tc.want) {
				t.Errorf("panic %q, want a fingerprint: message containing %q", msg, tc.want)
			}
		})
	}

	// Valid configurations still build, including every nil-means-defaults option.
	for name, build := range map[string]func(){
		"WebhookHandler":                     func() { fingerprint.WebhookHandler("whsec", fn) },
		"WebhookHandlerWithOptions/nil opts": func() { fingerprint.WebhookHandlerWithOptions("whsec", fn, nil) },
		"EdgeMiddleware/nil opts":            func() { client.EdgeMiddleware(nil)(app) },
		"EdgeMiddleware/linked ID of 256": func() {
			client.EdgeMiddleware(&fingerprint.EdgeMiddlewareOptions{Request: &fingerprint.EdgeRequestOptions{LinkedID: strings.Repeat("x", 256)}})(app)
		},
		"EdgeMiddleware/JSON tags, negatives": func() {
			client.EdgeMiddleware(&fingerprint.EdgeMiddlewareOptions{Timeout: -1, Request: &fingerprint.EdgeRequestOptions{Tags: fingerprint.Tags{"a": 1}}})(app)
		},
	} {
		if msg := panicMessage(build); msg != "" {
			t.Errorf("%s: panicked with %q", name, msg)
		}
	}
}

// panicMessage runs f and returns what it panicked with, or "" when it returned.
func panicMessage(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
			if msg == "" {
				msg = "(empty panic)"
			}
		}
	}()
	f()
	return ""
}
