package fingerprint

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/fpgo/fingerprint-go/internal/searchparams"
)

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
		slog.String("url", logURL(req.URL, op.path)),
		slog.Int("attempt", attempt+1),
		slog.Duration("duration", d),
	}
	if status != 0 {
		attrs = append(attrs, slog.Int("status", status))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", logError(err, op.path)))
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
		slog.String("error", logError(err, op.path)))
}

// Logs are personal-data-free by default: search filters carry visitor IDs, IP addresses,
// linked IDs and URLs, and a debug log is kept, shipped and read far more widely than the
// data itself. So a logged URL keeps its scheme, host, path and parameter names; the values
// of filters that are enums, booleans, numbers or times are shown, event and visitor IDs
// (in the path and in filters) are shortened to their first shownIDChars characters, and
// every other value (the pagination key too) is replaced by [REDACTED].
const shownIDChars = 6

// shortenedParams are query parameters shown shortened rather than withheld.
var shortenedParams = map[string]bool{"visitor_id": true, "high_recall_id": true, "proximity_id": true}

// shownParams are query parameters whose values are never personal.
var shownParams = map[string]bool{"ii": true, "start": true, "end": true, "min_suspect_score": true, "asn": true}

// logURL renders u for a log (see shownIDChars): never user info, never a personal value.
// template is the operation's path, such as /events/{event_id}: its parameters mark the
// path segments that hold IDs.
func logURL(u *url.URL, template string) string {
	if u == nil {
		return ""
	}
	var b strings.Builder
	b.WriteString(u.Scheme + "://" + u.Host)
	segs := strings.Split(u.EscapedPath(), "/")
	tmpl := strings.Split(template, "/")
	off := len(segs) - len(tmpl)
	for i, seg := range segs {
		if i == 0 {
			continue
		}
		b.WriteByte('/')
		if j := i - off; j > 0 && j < len(tmpl) && strings.HasPrefix(tmpl[j], "{") {
			v, err := url.PathUnescape(seg)
			if err != nil {
				v = seg
			}
			b.WriteString(url.PathEscape(shorten(v)))
			continue
		}
		b.WriteString(seg)
	}
	if u.RawQuery == "" {
		return b.String()
	}
	b.WriteByte('?')
	for i, kv := range strings.Split(u.RawQuery, "&") {
		if i > 0 {
			b.WriteByte('&')
		}
		k, v, hasValue := strings.Cut(kv, "=")
		name, err := url.QueryUnescape(k)
		if err != nil {
			name = k
		}
		b.WriteString(url.QueryEscape(name))
		if !hasValue {
			continue
		}
		value, err := url.QueryUnescape(v)
		if err != nil {
			value = v
		}
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(logValue(name, value)))
	}
	return b.String()
}

// logValue is what a log shows of one query value.
func logValue(name, value string) string {
	switch {
	case shortenedParams[name]:
		return shorten(value)
	case shownParams[name], value == "true", value == "false":
		return value
	}
	if plainParams()[name] {
		return value
	}
	return redacted
}

// plainParams are the search parameters with enumerated or numeric values (bot, source,
// limit, total_hits, ...), none of them personal.
var plainParams = sync.OnceValue(func() map[string]bool {
	m := make(map[string]bool)
	for _, p := range searchparams.All {
		if len(p.Enum) > 0 || p.Min != nil {
			m[p.Name] = true
		}
	}
	return m
})

// shorten keeps the first shownIDChars characters of an ID.
func shorten(id string) string {
	if utf8.RuneCountInString(id) <= shownIDChars {
		return id
	}
	n := 0
	for i := range id {
		if n == shownIDChars {
			return id[:i] + "…"
		}
		n++
	}
	return id
}

// redactURLError replaces the URL net/http quotes in a transport error (*url.Error) by its
// logURL form, so the returned error, like a log, holds no search value or full ID. The
// error it wraps (DNS, connection, context) is kept for errors.As and errors.Is.
func redactURLError(err error, template string) {
	var ue *url.Error
	if !errors.As(err, &ue) || ue.URL == "" {
		return
	}
	if u, perr := url.Parse(ue.URL); perr == nil {
		ue.URL = logURL(u, template)
	} else {
		ue.URL = redacted
	}
}

// logError renders err for a log: the URL net/http puts in a transport error is replaced
// by its logURL form.
func logError(err error, template string) string {
	msg := err.Error()
	var ue *url.Error
	if errors.As(err, &ue) && ue.URL != "" {
		if u, perr := url.Parse(ue.URL); perr == nil {
			msg = strings.ReplaceAll(msg, ue.URL, logURL(u, template))
		} else {
			msg = strings.ReplaceAll(msg, ue.URL, redacted)
		}
	}
	return msg
}
