package fingerprint

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"
)

// Defaults used by NewClient when no option overrides them.
const (
	// DefaultTimeout bounds each attempt of a request (connecting, sending the request and
	// reading the whole response). Retries get a fresh timeout each; bound the whole call,
	// retries included, with the context.
	DefaultTimeout = 30 * time.Second
	// DefaultMaxRetries is the number of retries after the first attempt.
	DefaultMaxRetries = 2
	// DefaultStateNotReadyWait is how long UpdateEvent and SubmitEventFeedback keep
	// retrying 409 state_not_ready, counted from the first attempt (see
	// WithStateNotReadyWait).
	DefaultStateNotReadyWait = 5 * time.Second
)

// Option configures a Client. Options are passed to NewClient, which reports invalid
// options as errors.
type Option func(*config) error

// config collects the options; NewClient validates the result.
type config struct {
	region     Region
	regionSet  bool
	baseURL    string
	baseURLSet bool
	// insecureHTTP allows an http:// base URL to a host that is not loopback.
	insecureHTTP bool
	httpClient   *http.Client
	timeout      time.Duration
	maxRetries   int
	notReady     time.Duration
	logger       *slog.Logger
	observer     Observer
	limiter      RateLimiter
	quotas       *QuotaPacing // nil: no quota pacing
}

// WithRegion selects the region of your Fingerprint application (RegionUS by default).
// It cannot be combined with WithBaseURL; NewClient fails on an unknown region.
func WithRegion(r Region) Option {
	return func(c *config) error {
		if _, ok := r.baseURL(); !ok {
			return fmt.Errorf("fingerprint: unknown region %q (use RegionUS, RegionEU or RegionAsia)", string(r))
		}
		c.region, c.regionSet = r, true
		return nil
	}
}

// WithBaseURL sends requests to baseURL instead of a region's API host, for example a
// proxy or a test server. Operation paths (/events, /visitors/{visitor_id}, /edge) are
// appended to it, so it must include any path prefix such as /v4. The URL must be absolute
// http or https, without query, fragment or user info. It cannot be combined with WithRegion.
//
// Plain http is accepted only to a loopback host (localhost, 127.0.0.0/8, ::1), such as
// fingerprinttest: over http the secret API key travels in clear, for any proxy or
// network on the way to read. NewClient refuses http to any other host unless
// WithInsecurePlainHTTP is given as well.
func WithBaseURL(baseURL string) Option {
	return func(c *config) error {
		u, err := parseBaseURL(baseURL)
		if err != nil {
			return err
		}
		c.baseURL, c.baseURLSet = u, true
		return nil
	}
}

// WithInsecurePlainHTTP allows WithBaseURL to name an http:// URL whose host is not
// loopback, such as a proxy on a network you control. The secret API key is then sent
// unencrypted: anyone who can see the traffic can use it. Prefer https.
func WithInsecurePlainHTTP() Option {
	return func(c *config) error {
		c.insecureHTTP = true
		return nil
	}
}

// checkPlainHTTP refuses an http:// base URL to a host that is not loopback unless
// allowed: the key would cross the network in clear.
func checkPlainHTTP(base string, allowed bool) error {
	u, err := url.Parse(base)
	if err != nil || u.Scheme != "http" || allowed || isLoopback(u.Hostname()) {
		return nil
	}
	return fmt.Errorf("fingerprint: base URL %s uses plain http to %s, which is not a loopback host: "+
		"the secret API key would be sent unencrypted, readable by any proxy or network on the way; "+
		"use https, or add WithInsecurePlainHTTP() if that network is yours", base, u.Hostname())
}

// isLoopback reports whether host names this machine: localhost (and *.localhost, RFC
// 6761) or a loopback address.
func isLoopback(host string) bool {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	a, err := netip.ParseAddr(h)
	return err == nil && a.Unmap().IsLoopback()
}

// parseBaseURL validates a base URL and returns it without a trailing slash.
func parseBaseURL(raw string) (string, error) {
	bad := func(reason string) error {
		return fmt.Errorf("fingerprint: invalid base URL: %s", reason)
	}
	if strings.TrimSpace(raw) == "" {
		return "", bad("empty")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", bad("cannot be parsed")
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return "", bad("scheme must be http or https")
	case u.Host == "" || u.Hostname() == "":
		return "", bad("missing host")
	case u.User != nil:
		return "", bad("must not contain user info")
	case u.RawQuery != "" || u.ForceQuery:
		return "", bad("must not contain a query")
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return "", bad("must not contain a fragment")
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// WithHTTPClient makes the Client send requests through hc, for proxies, custom TLS,
// instrumentation or middleware. hc itself is never modified: the Client works on a
// shallow copy whose Transport is wrapped to add the User-Agent and the ii query parameter.
// hc's Timeout, if any, applies in addition to WithTimeout. Redirects: without a
// CheckRedirect in hc none is followed; with one, it decides, but the key never goes to
// another origin and a redirect that would turn a write into a GET is not followed (see
// the package documentation).
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return errors.New("fingerprint: WithHTTPClient: nil *http.Client")
		}
		c.httpClient = hc
		return nil
	}
}

// WithTimeout sets the time limit of each attempt (DefaultTimeout by default): connecting,
// sending the request and reading the whole response. Zero disables the per-attempt limit;
// the context still applies. The context bounds the whole call, retries included.
func WithTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return fmt.Errorf("fingerprint: WithTimeout: negative timeout %v", d)
		}
		c.timeout = d
		return nil
	}
}

// WithMaxRetries sets how many times a failed request is retried (DefaultMaxRetries by
// default); 0 turns retries off. See the package documentation for what is retried.
func WithMaxRetries(n int) Option {
	return func(c *config) error {
		if n < 0 {
			return fmt.Errorf("fingerprint: WithMaxRetries: negative retry count %d", n)
		}
		c.maxRetries = n
		return nil
	}
}

// WithStateNotReadyWait sets how long UpdateEvent and SubmitEventFeedback keep retrying
// when the API answers 409 state_not_ready (ErrStateNotReady), which it does while an
// event made moments ago propagates. The window is counted from the first attempt: retries wait about 250 ms,
// 500 ms, then 1 s each (jittered), and the last one is shortened to start before the
// window closes, so an event that becomes updatable 200 ms (the shortest wait between retries) plus one attempt's
// duration before the window ends is updated. The default, DefaultStateNotReadyWait
// (5 s), covers the few seconds the API takes. These retries are not counted by
// WithMaxRetries, which keeps its meaning for every other failure; the context still
// bounds the call (no wait outlives its deadline). 0 turns them off: the first 409 is
// returned at once.
func WithStateNotReadyWait(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return fmt.Errorf("fingerprint: WithStateNotReadyWait: negative duration %v", d)
		}
		c.notReady = d
		return nil
	}
}

// WithLogger makes the Client log each attempt at slog.LevelDebug: method, path template,
// URL (without secrets), status, attempt number, duration and retry delays. The API key and
// request headers are never logged. A nil logger turns logging off (the default).
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		c.logger = l
		return nil
	}
}
