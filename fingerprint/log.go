package fingerprint

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// sensitiveQueryKeys are query parameters whose values are replaced in logs. The client
// never puts secrets in URLs, but a base URL or a proxy might.
var sensitiveQueryKeys = []string{"key", "token", "secret", "auth", "password", "signature"}

func (c *Client) debugEnabled(ctx context.Context) bool {
	return c.logger != nil && c.logger.Enabled(ctx, slog.LevelDebug)
}

// logAttempt logs one attempt at Debug level. Headers are never logged.
func (c *Client) logAttempt(ctx context.Context, op operation, req *http.Request, attempt, status int, d time.Duration, err error) {
	if !c.debugEnabled(ctx) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", op.method),
		slog.String("path", op.path),
		slog.String("url", redactURL(req.URL)),
		slog.Int("attempt", attempt+1),
		slog.Duration("duration", d),
	}
	if status != 0 {
		attrs = append(attrs, slog.Int("status", status))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "fingerprint: request", attrs...)
}

// logRetry logs the decision to retry after a failed attempt.
func (c *Client) logRetry(ctx context.Context, op operation, attempt int, delay time.Duration, err error) {
	if !c.debugEnabled(ctx) {
		return
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "fingerprint: retrying",
		slog.String("method", op.method),
		slog.String("path", op.path),
		slog.Int("attempt", attempt+1),
		slog.Duration("delay", delay),
		slog.String("error", err.Error()))
}

// redactURL renders u without user info and with the values of secret-looking query
// parameters replaced.
func redactURL(u *url.URL) string {
	r := *u
	r.User = nil
	if r.RawQuery != "" {
		parts := strings.Split(r.RawQuery, "&")
		for i, kv := range parts {
			k, _, _ := strings.Cut(kv, "=")
			name, err := url.QueryUnescape(k)
			if err != nil {
				name = k
			}
			if isSensitiveQueryKey(name) {
				parts[i] = k + "=REDACTED"
			}
		}
		r.RawQuery = strings.Join(parts, "&")
	}
	return r.String()
}

func isSensitiveQueryKey(name string) bool {
	name = strings.ToLower(name)
	for _, s := range sensitiveQueryKeys {
		if strings.Contains(name, s) {
			return true
		}
	}
	return false
}
