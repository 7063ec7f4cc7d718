package fingerprinttest

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fpgo/fingerprint-go/gen"
)

// Search defaults documented for GET /events.
const (
	defaultLimit  = 10
	defaultWindow = 7 * 24 * time.Hour
)

// query is a parsed, validated search request.
type query struct {
	start, end int64 // inclusive, Unix ms
	limit      int
	reverse    bool
	totalHits  int64
	after      *cursor
	filters    []func(*gen.Event) bool
	visitorID  string
}

// cursor is the content of a pagination key: the position of the last event returned.
type cursor struct {
	Timestamp int64  `json:"t"`
	EventID   string `json:"id"`
}

func (c cursor) encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(key string) (*cursor, bool) {
	b, err := base64.RawURLEncoding.DecodeString(key)
	if err != nil {
		return nil, false
	}
	var c cursor
	if err := json.Unmarshal(b, &c); err != nil || c.EventID == "" || c.Timestamp <= 0 {
		return nil, false
	}
	return &c, true
}

func (s *Server) searchEvents(w http.ResponseWriter, r *http.Request) {
	q, e := parseQuery(r.URL.Query(), s.cfg.now())
	if e != nil {
		writeError(w, e)
		return
	}
	s.mu.Lock()
	var matched []*storedEvent
	visitorKnown := q.visitorID == ""
	for _, st := range s.events {
		ev := st.ev
		if !visitorKnown && ev.Identification != nil && ev.Identification.VisitorID == q.visitorID {
			visitorKnown = true
		}
		if q.matches(ev) {
			matched = append(matched, st)
		}
	}
	s.mu.Unlock()
	// Stored events are immutable: the rest needs no lock.
	if !visitorKnown {
		writeError(w, errVisitorGone)
		return
	}
	sortEvents(matched, q.reverse)
	res := searchPage{Events: []json.RawMessage{}}
	if q.totalHits > 0 {
		res.TotalHits = ptr(min(int64(len(matched)), q.totalHits))
	}
	from := 0
	if q.after != nil {
		pos := &gen.Event{Timestamp: q.after.Timestamp, EventID: q.after.EventID}
		from, _ = slices.BinarySearchFunc(matched, pos, func(a *storedEvent, b *gen.Event) int {
			if a.ev.EventID == b.EventID && a.ev.Timestamp == b.Timestamp {
				return 0
			}
			if before(a.ev, b, q.reverse) {
				return -1
			}
			return 1
		})
		if from < len(matched) && matched[from].ev.EventID == q.after.EventID {
			from++
		}
	}
	page := matched[from:min(from+q.limit, len(matched))]
	for _, st := range page {
		res.Events = append(res.Events, st.raw)
	}
	if from+len(page) < len(matched) && len(page) > 0 {
		last := page[len(page)-1].ev
		res.PaginationKey = ptr(cursor{Timestamp: last.Timestamp, EventID: last.EventID}.encode())
	}
	b, err := json.Marshal(res)
	if err != nil {
		writeError(w, errInternal)
		return
	}
	writeJSON(w, http.StatusOK, b)
}

// searchPage is gen.EventSearch with the events already encoded.
type searchPage struct {
	Events        []json.RawMessage `json:"events"`
	PaginationKey *string           `json:"pagination_key,omitempty"`
	TotalHits     *int64            `json:"total_hits,omitempty"`
}

func (q *query) matches(ev *gen.Event) bool {
	if ev.Timestamp < q.start || ev.Timestamp > q.end {
		return false
	}
	for _, f := range q.filters {
		if !f(ev) {
			return false
		}
	}
	return true
}

// parseQuery turns validated query parameters into a query. The spec has already
// checked types, enums and ranges; this adds the checks the spec cannot express.
func parseQuery(v url.Values, now time.Time) (*query, *apiError) {
	q := &query{
		start: now.Add(-defaultWindow).UnixMilli(),
		end:   now.UnixMilli(),
		limit: defaultLimit,
	}
	var ok bool
	if s := v.Get("start"); s != "" {
		if q.start, ok = parseTime(s); !ok {
			return nil, badRequest("invalid start time")
		}
	}
	if s := v.Get("end"); s != "" {
		if q.end, ok = parseTime(s); !ok {
			return nil, badRequest("invalid end time")
		}
	}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 100 {
			return nil, badRequest("invalid limit")
		}
		q.limit = n
	}
	if s := v.Get("reverse"); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return nil, badRequest("invalid reverse param")
		}
		q.reverse = b
	}
	if s := v.Get("total_hits"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 1 || n > 1000 {
			return nil, badRequest("invalid total hits")
		}
		q.totalHits = n
	}
	if s := v.Get("pagination_key"); s != "" {
		if q.after, ok = decodeCursor(s); !ok {
			return nil, errPagination
		}
	}
	q.visitorID = v.Get("visitor_id")

	if slices.Contains(v["source"], "edge") {
		q.add(func(ev *gen.Event) bool { return ev.Source != nil && *ev.Source == gen.EventSourceEdge })
	} else {
		q.add(func(ev *gen.Event) bool { return ev.Source == nil || *ev.Source != gen.EventSourceEdge })
	}
	if e := q.addIPFilter(v.Get("ip_address")); e != nil {
		return nil, e
	}
	if s := v.Get("min_suspect_score"); s != "" {
		min, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, badRequest("invalid min suspect score")
		}
		q.add(func(ev *gen.Event) bool { return ev.SuspectScore != nil && float64(*ev.SuspectScore) > min })
	}
	for name, get := range boolFilters {
		s := v.Get(name)
		if s == "" {
			continue
		}
		want, err := strconv.ParseBool(s)
		if err != nil {
			return nil, badRequest("invalid " + strings.ReplaceAll(name, "_", " "))
		}
		q.add(func(ev *gen.Event) bool {
			got := get(ev)
			return got != nil && *got == want
		})
	}
	for name, get := range stringFilters {
		if s := v.Get(name); s != "" {
			q.add(func(ev *gen.Event) bool { return get(ev) == s })
		}
	}
	for name, get := range anyOfFilters {
		if want := v[name]; len(want) > 0 {
			q.add(func(ev *gen.Event) bool {
				got, ok := get(ev)
				return ok && slices.Contains(want, got)
			})
		}
	}
	if s := v.Get("asn"); s != "" {
		q.add(func(ev *gen.Event) bool {
			return ev.IPInfo != nil && (ev.IPInfo.V4 != nil && deref(ev.IPInfo.V4.ASN) == s ||
				ev.IPInfo.V6 != nil && deref(ev.IPInfo.V6.ASN) == s)
		})
	}
	if s := v.Get("bot"); s != "" {
		q.add(func(ev *gen.Event) bool {
			if ev.Bot == nil {
				return false
			}
			switch s {
			case "all":
				return *ev.Bot == gen.BotResultGood || *ev.Bot == gen.BotResultBad
			case "none":
				return *ev.Bot == gen.BotResultNotDetected
			}
			return string(*ev.Bot) == s
		})
	}
	switch v.Get("bot_info") {
	case "all":
		q.add(func(ev *gen.Event) bool { return ev.BotInfo != nil })
	case "none":
		q.add(func(ev *gen.Event) bool { return ev.BotInfo == nil })
	}
	return q, nil
}

func (q *query) add(f func(*gen.Event) bool) { q.filters = append(q.filters, f) }

// addIPFilter matches ip_address (an address or a CIDR range) against the event's
// IP address and the addresses in ip_info (edge events carry only the latter).
func (q *query) addIPFilter(s string) *apiError {
	if s == "" {
		return nil
	}
	var prefix netip.Prefix
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return errIPAddress
		}
		prefix = p.Masked()
	} else {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return errIPAddress
		}
		prefix = netip.PrefixFrom(a, a.BitLen())
	}
	q.add(func(ev *gen.Event) bool {
		for _, addr := range eventAddrs(ev) {
			if a, err := netip.ParseAddr(addr); err == nil && prefix.Contains(a.Unmap()) {
				return true
			}
		}
		return false
	})
	return nil
}

func eventAddrs(ev *gen.Event) []string {
	var out []string
	if ev.IPAddress != nil {
		out = append(out, *ev.IPAddress)
	}
	if ev.IPInfo != nil {
		if ev.IPInfo.V4 != nil {
			out = append(out, ev.IPInfo.V4.Address)
		}
		if ev.IPInfo.V6 != nil {
			out = append(out, ev.IPInfo.V6.Address)
		}
	}
	return out
}

// parseTime accepts RFC 3339 or Unix milliseconds, as the real API does.
func parseTime(s string) (int64, bool) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, n >= 0
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return 0, false
	}
	return t.UnixMilli(), true
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// origin returns scheme://host of an event URL.
func origin(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}
