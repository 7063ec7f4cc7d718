package fingerprint

import (
	"net/url"
	"strings"
	"time"
)

// validate checks p before any request is sent.
func (p *SearchEventsParams) validate() error {
	if p == nil {
		return nil
	}
	if err := p.checkSpec(); err != nil {
		return err
	}
	if !p.Start.IsZero() && !p.End.IsZero() && p.Start.After(p.End) {
		return invalid("Start", "start (%s) is after end (%s)", p.Start.Format(time.RFC3339), p.End.Format(time.RFC3339))
	}
	if err := p.checkLimits(); err != nil {
		return err
	}
	var err error
	p.each(func(name string, values ...string) {
		for _, v := range values {
			if err == nil && strings.TrimSpace(v) == "" {
				err = invalid(searchField(name), "empty or blank value")
			}
		}
	})
	return err
}

// encode returns the query string of p: repeated keys for arrays, RFC 3339 times,
// plain decimal floats, and %20 for spaces (which every server decodes, unlike '+').
func (p *SearchEventsParams) encode() string {
	if p == nil {
		return ""
	}
	return p.encodeQuery().with(p.PaginationKey)
}

// searchQuery is the encoded query of a search with the place of pagination_key left
// open, so that an iteration encodes its params once and each page only adds its key.
type searchQuery struct {
	head, tail string // the parameters before and after pagination_key, in the spec's order
}

// encodeQuery encodes every parameter of p except pagination_key.
func (p *SearchEventsParams) encodeQuery() searchQuery {
	if p == nil {
		return searchQuery{}
	}
	c := *p
	c.PaginationKey = "-" // set, so that each reports where the key goes
	var b strings.Builder
	head := ""
	split := false
	c.each(func(name string, values ...string) {
		if name == "pagination_key" {
			head, split = b.String(), true
			b.Reset()
			return
		}
		for _, v := range values {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(name)
			b.WriteByte('=')
			b.WriteString(queryEscape(v))
		}
	})
	if !split {
		return searchQuery{head: b.String()}
	}
	return searchQuery{head: head, tail: b.String()}
}

// with returns the query with the given pagination_key ("": none).
func (q searchQuery) with(key string) string {
	if key != "" {
		key = "pagination_key=" + queryEscape(key)
	}
	var b strings.Builder
	for _, part := range [3]string{q.head, key, q.tail} {
		if part == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(part)
	}
	return b.String()
}

// queryEscape escapes a query value; url.QueryEscape turns only spaces into '+'.
func queryEscape(v string) string {
	return strings.ReplaceAll(url.QueryEscape(v), "+", "%20")
}

func enumStrings[T ~string](vs []T) []string {
	if len(vs) == 0 {
		return nil
	}
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// formatStart renders a lower bound: UTC, rounded down to the second.
func formatStart(t time.Time) string {
	return t.UTC().Truncate(time.Second).Format(time.RFC3339)
}

// formatEnd renders an upper bound: UTC, rounded up to the second.
func formatEnd(t time.Time) string {
	u := t.UTC()
	if f := u.Truncate(time.Second); !f.Equal(u) {
		u = f.Add(time.Second)
	}
	return u.Format(time.RFC3339)
}

func cloneSlice[T any](s []T) []T {
	if s == nil {
		return nil
	}
	return append(make([]T, 0, len(s)), s...)
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
