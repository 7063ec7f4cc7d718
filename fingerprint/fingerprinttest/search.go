package fingerprinttest

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/fpgo/fingerprint-go/gen"
)

// Search defaults and limits documented for GET /events.
const (
	defaultLimit  = 10
	defaultWindow = 7 * 24 * time.Hour
	// maxStartAge: the API rejects a start more than 90 days before now.
	maxStartAge = 90 * 24 * time.Hour
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

func (s *Server) searchEvents(w http.ResponseWriter, v url.Values) {
	q, e := parseQuery(v, s.cfg.now())
	if e != nil {
		writeError(w, e)
		return
	}
	s.mu.Lock()
	page, more, total := s.findPage(q)
	// Any match has the visitor_id searched for, so the whole store is scanned only
	// when nothing matched.
	visitorKnown := q.visitorID == "" || len(page) > 0 || total > 0 || s.hasVisitor(q.visitorID)
	s.mu.Unlock()
	// Stored events are immutable: the rest needs no lock.
	if !visitorKnown {
		writeError(w, errVisitorGone)
		return
	}
	writeJSON(w, http.StatusOK, encodePage(page, more, total, q.totalHits > 0))
}

// findPage returns the page of events q asks for, whether more match after it, and
// the number of matches in the whole time window (pagination_key ignored), counted
// only up to q.totalHits. It needs s.mu held.
func (s *Server) findPage(q *query) (page []*storedEvent, more bool, total int64) {
	// s.order[lo:hi] is the time window; [from:to] is the part after the cursor.
	lo, hi := s.firstAtOrAfter(q.start), s.firstAtOrAfter(q.end+1)
	if q.end == math.MaxInt64 {
		hi = len(s.order)
	}
	if hi < lo {
		hi = lo
	}
	from, to := lo, hi
	if c := q.after; c != nil {
		i, found := s.orderIndex(c.Timestamp, c.EventID)
		if q.reverse { // oldest first: the events after the cursor
			if found {
				i++
			}
			from = max(from, i)
		} else { // newest first: the events before the cursor
			to = min(to, i)
		}
	}
	// Walk in search order up to one match past the page, to know whether more follow.
	page = make([]*storedEvent, 0, q.limit)
	take := func(st *storedEvent) bool {
		if !q.matches(st.ev) {
			return true
		}
		if len(page) == q.limit {
			more = true
			return false
		}
		page = append(page, st)
		return true
	}
	if q.reverse {
		for i := from; i < to && take(s.order[i]); i++ {
		}
	} else {
		for i := to - 1; i >= from && take(s.order[i]); i-- {
		}
	}
	for i := lo; i < hi && total < q.totalHits; i++ {
		if q.matches(s.order[i].ev) {
			total++
		}
	}
	return page, more, total
}

// hasVisitor reports whether any stored event has the visitor ID. It needs s.mu held.
func (s *Server) hasVisitor(visitorID string) bool {
	for _, st := range s.order {
		if ev := st.ev; ev.Identification != nil && ev.Identification.VisitorID == visitorID {
			return true
		}
	}
	return false
}

// encodePage writes the gen.EventSearch body from the stored JSON of the events, which
// json.Marshal produced (compact and HTML-escaped), so it needs no re-encoding.
func encodePage(page []*storedEvent, more bool, total int64, withTotal bool) []byte {
	n := len(`{"events":[],"pagination_key":"","total_hits":}`) + 128
	for _, st := range page {
		n += len(st.raw) + 1
	}
	b := make([]byte, 0, n)
	b = append(b, `{"events":[`...)
	for i, st := range page {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, st.raw...)
	}
	b = append(b, ']')
	if more && len(page) > 0 {
		last := page[len(page)-1].ev
		// Base64url needs no escaping in a JSON string.
		b = append(b, `,"pagination_key":"`...)
		b = append(b, cursor{Timestamp: last.Timestamp, EventID: last.EventID}.encode()...)
		b = append(b, '"')
	}
	if withTotal {
		b = append(b, `,"total_hits":`...)
		b = strconv.AppendInt(b, total, 10)
	}
	return append(b, '}')
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
		if q.start, ok = parseTime(s); !ok || q.start < now.Add(-maxStartAge).UnixMilli() {
			return nil, errStartTime
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
	if q.visitorID != "" && !validID(q.visitorID) {
		return nil, errVisitorID
	}
	if utf8.RuneCountInString(v.Get("linked_id")) > maxLinkedIDLen {
		return nil, errLinkedID
	}

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
		if err != nil || a.Zone() != "" { // fe80::1%eth0 names an interface of the caller's host
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
