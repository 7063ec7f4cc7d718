package fingerprint_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/edge"
	"github.com/fpgo/fingerprint-go/fingerprint/webhook"
)

// TestConstructorsPanicOnMisconfiguration (issue 9 §7): constructors that return an
// http.Handler or middleware cannot return an error, so a configuration that could only
// fail every request panics at construction, with a message naming the constructor and
// saying what is wrong, as net/http does for a nil handler. On the old code each of these built a
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
		{"webhook.Handler/empty secret", func() { webhook.Handler("", fn, nil) }, "empty webhook secret"},
		{"webhook.Handler/nil callback", func() { webhook.Handler("whsec", nil, nil) }, "nil callback"},
		{"webhook.Handler/empty secret with options", func() {
			webhook.Handler("", fn, &webhook.HandlerOptions{MaxBodyBytes: 10})
		}, "empty webhook secret"},
		{"edge.Middleware/nil analyzer", func() { edge.Middleware(nil, nil) }, "nil Analyzer"},
		{"edge.Middleware/nil client", func() { edge.Middleware(nilClient, nil) }, "nil or zero *fingerprint.Client"},
		{"edge.Middleware/zero client", func() { edge.Middleware(&fingerprint.Client{}, nil) }, "nil or zero *fingerprint.Client"},
		{"edge.Middleware/linked ID too long", func() {
			edge.Middleware(client, &edge.MiddlewareOptions{Request: &edge.RequestOptions{LinkedID: strings.Repeat("x", 257)}})
		}, "linked_id can't be greater than 256 characters long"},
		{"edge.Middleware/tags not JSON", func() {
			edge.Middleware(client, &edge.MiddlewareOptions{Request: &edge.RequestOptions{Tags: fingerprint.Tags{"f": func() {}}}})
		}, "Tags: cannot be encoded as JSON"},
		{"edge.Middleware/nil next handler", func() { edge.Middleware(client, nil)(nil) }, "nil next handler"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			msg := panicMessage(tc.build)
			if msg == "" {
				t.Fatal("no panic: the misconfiguration was accepted")
			}
			// The message starts with the constructor that refused, as net/http's do.
			prefix, _, _ := strings.Cut(tc.name, "/")
			if !strings.HasPrefix(msg, prefix+": ") || !strings.Contains(msg, tc.want) {
				t.Errorf("panic %q, want a %s: message containing %q", msg, prefix, tc.want)
			}
		})
	}

	// Valid configurations still build, including every nil-means-defaults option.
	for name, build := range map[string]func(){
		"webhook.Handler/nil opts": func() { webhook.Handler("whsec", fn, nil) },
		"edge.Middleware/nil opts": func() { edge.Middleware(client, nil)(app) },
		"edge.Middleware/linked ID of 256": func() {
			edge.Middleware(client, &edge.MiddlewareOptions{Request: &edge.RequestOptions{LinkedID: strings.Repeat("x", 256)}})(app)
		},
		"edge.Middleware/JSON tags, negatives": func() {
			edge.Middleware(client, &edge.MiddlewareOptions{Timeout: -1, Request: &edge.RequestOptions{Tags: fingerprint.Tags{"a": 1}}})(app)
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
