package fingerprint

// Fuzz targets for error-body decoding, event decoding and search-parameter encoding
// (webhook headers and unsealing are fuzzed in packages webhook and sealed).
// `go test` runs the f.Add seeds and testdata/fuzz/<Name>; fuzz with, for example,
//
//	go test ./fingerprint -run '^$' -fuzz '^FuzzDecodeEvent$' -fuzztime 30s

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

// FuzzDecodeAPIError feeds arbitrary error responses to the APIError builder.
func FuzzDecodeAPIError(f *testing.F) {
	f.Add(429, []byte(`{"error":{"code":"too_many_requests","message":"too many requests"}}`), "2")
	f.Add(404, []byte(`{"error":{"code":"event_not_found","message":"event not found"}}`), "")
	f.Add(403, []byte(`{"error":{"code":"wrong_region","message":"wrong region"}}`), "")
	f.Add(502, []byte("<html><body><h1>502 Bad Gateway</h1></body></html>"), "Wed, 21 Oct 2015 07:28:00 GMT")
	f.Add(500, []byte(`{"error":null}`), "-1")
	f.Add(503, []byte(`{"error":{"code":5}}`), "1e309")
	f.Add(400, []byte(`proxy echoed Bearer `+testKey), "NaN")
	f.Add(418, []byte{}, " 0.5 ")
	c, err := NewClient(testKey)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, status int, body []byte, retryAfter string) {
		hdr := http.Header{}
		hdr.Set("Retry-After", retryAfter)
		e := c.newAPIError(opGetEvent, &http.Response{StatusCode: status, Header: hdr}, body)
		if e.StatusCode != status || e.RetryAfter < 0 || e.Method != http.MethodGet || e.Path != "/events/{event_id}" {
			t.Fatalf("got %+v", e)
		}
		if bytes.Contains(body, []byte(testKey)) {
			if bytes.Contains(e.Body, []byte(testKey)) {
				t.Fatal("the API key was not redacted from the body")
			}
		} else if !bytes.Equal(e.Body, body) {
			t.Fatalf("body changed: %q -> %q", body, e.Body)
		}
		var doc struct {
			Error struct {
				Code    ErrorCode `json:"code"`
				Message string    `json:"message"`
			} `json:"error"`
		}
		if json.Unmarshal(e.Body, &doc) == nil && (doc.Error.Code != e.Code || doc.Error.Message != e.Message) {
			t.Fatalf("code/message %q/%q, body says %q/%q", e.Code, e.Message, doc.Error.Code, doc.Error.Message)
		}
		msg := e.Error()
		prefix := "fingerprint: GET /events/{event_id}: " + strconv.Itoa(status)
		if !strings.HasPrefix(msg, prefix) {
			t.Fatalf("%q does not start with %q", msg, prefix)
		}
		if strings.Contains(msg, testKey) {
			t.Fatal("the API key is in the message")
		}
		if strings.ContainsFunc(msg, func(r rune) bool { return !unicode.IsPrint(r) }) {
			t.Fatalf("message is not one printable line: %q", msg)
		}
		if n := len([]rune(msg)); n > len(prefix)+snippetLen+600 {
			t.Fatalf("message of %d runes", n)
		}
	})
}

// FuzzDecodeEvent feeds arbitrary 2xx bodies to the decoder GetEvent uses (the decoder of
// sealed results and webhooks has its own, FuzzDecode in internal/eventjson).
func FuzzDecodeEvent(f *testing.F) {
	full := fullEventJSON(f)
	for _, s := range [][]byte{full, []byte(minimalEvent), []byte("null"), []byte(" "), []byte("[]"),
		[]byte(`{"event_id":1}`), []byte(`{"event_id":"a","timestamp":1,"rule_action":{"type":"block","status_code":403}}`),
		[]byte(`{"event_id":"a","timestamp":1,"rule_action":{"type":"allow"},"tags":{"a":[1,{"b":null}]}}`),
		[]byte(`{"event_id":"a","timestamp":-1e3,"ip_info":{"v4":{"address":"1.2.3.4","geolocation":{"latitude":"x"}}}}`),
		[]byte("\xef\xbb\xbf{}")} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ev, err := decodeJSON[Event](opGetEvent, &response{status: http.StatusOK, body: data})
		if (ev == nil) == (err == nil) {
			t.Fatalf("want exactly one of event and error, got %v and %v", ev, err)
		}
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) || de.StatusCode != 200 || len(de.Body) > maxErrorBody || !bytes.HasPrefix(data, de.Body) {
				t.Fatalf("error %v (%T) does not keep status and body", err, err)
			}
			if !strings.HasPrefix(err.Error(), "fingerprint: GET /events/{event_id}: 200: cannot decode response body") {
				t.Fatalf("message %q", err)
			}
		} else {
			// Whatever was accepted re-encodes, and re-encoding is stable.
			b1, err := json.Marshal(ev)
			if err != nil {
				t.Fatalf("decoded event does not encode: %v", err)
			}
			var again Event
			if err := json.Unmarshal(b1, &again); err != nil {
				t.Fatalf("re-encoded event does not decode: %v\n%s", err, b1)
			}
			if b2, _ := json.Marshal(&again); !bytes.Equal(b1, b2) {
				t.Fatalf("encoding is not stable:\n%s\n%s", b1, b2)
			}
		}
	})
}

// FuzzSearchParamsEncode checks validation against an independent statement of the
// rules, and that every valid SearchEventsParams encodes to a query that decodes back to
// the same values, with %20 for spaces and times at whole seconds that never narrow the
// window.
func FuzzSearchParamsEncode(f *testing.F) {
	f.Add("Xk3pR8vQ2mN7bL5tY9wZ", "user 42", "https://shop.example.com/?q=a+b&c=%20", "ae_1", "", 10, 0, 0.5, int64(1768478400123456789), int64(1768564800000000000), true)
	f.Add("", "", "", "", "", 0, 1000, 0.0, int64(0), int64(0), false)
	f.Add(" ", "\t", "é;&=#", "a b", "+", 101, 1001, math.Inf(1), int64(2), int64(1), false)
	f.Add("id\x00", "日本", "%zz", "", "x", -1, -1, math.Copysign(0, -1), int64(-5), int64(5), true)
	f.Fuzz(func(t *testing.T, visitorID, linkedID, rawURL, env1, env2 string, limit, totalHits int, minScore float64, startNs, endNs int64, vpn bool) {
		p := &SearchEventsParams{VisitorID: visitorID, LinkedID: linkedID, URL: rawURL, Limit: limit,
			TotalHits: totalHits, MinSuspectScore: &minScore, VPN: &vpn}
		if env1 != "" || env2 != "" {
			p.Environment = []string{env1, env2}
		}
		// Times between 1970 and about 2096, at nanosecond precision.
		const span = 4e18
		if startNs != 0 {
			p.Start = time.Unix(0, absMod(startNs, span)).In(time.FixedZone("x", 5*3600+1800))
		}
		if endNs != 0 {
			p.End = time.Unix(0, absMod(endNs, span))
		}
		blank := func(s string) bool { return strings.TrimSpace(s) == "" }
		noControl := func(s string) bool { return !strings.ContainsFunc(s, unicode.IsControl) }
		wantValid := (limit == 0 || (limit >= 1 && limit <= 100)) &&
			(totalHits == 0 || (totalHits >= 1 && totalHits <= 1000)) &&
			!(math.IsNaN(minScore) || math.IsInf(minScore, 0)) &&
			(p.Start.IsZero() || p.End.IsZero() || !p.Start.After(p.End)) &&
			(visitorID == "" || !blank(visitorID)) && (linkedID == "" || !blank(linkedID)) && (rawURL == "" || !blank(rawURL)) &&
			(p.Environment == nil || (!blank(env1) && !blank(env2))) &&
			noControl(visitorID) && utf8.RuneCountInString(linkedID) <= MaxLinkedIDLength
		err := p.validate()
		if (err == nil) != wantValid {
			t.Fatalf("validate() = %v, want valid=%v for %+v", err, wantValid, p)
		}
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("%T is not a *ValidationError", err)
			}
			return
		}
		q := p.encode()
		if strings.ContainsAny(q, " +") {
			t.Fatalf("query %q contains a space or '+'", q)
		}
		vals, err := url.ParseQuery(q)
		if err != nil {
			t.Fatalf("query %q does not parse: %v", q, err)
		}
		want := url.Values{}
		set := func(k, v string) {
			if v != "" {
				want[k] = []string{v}
			}
		}
		set("visitor_id", visitorID)
		set("linked_id", linkedID)
		set("url", rawURL)
		if limit != 0 {
			set("limit", strconv.Itoa(limit))
		}
		if totalHits != 0 {
			set("total_hits", strconv.Itoa(totalHits))
		}
		set("vpn", strconv.FormatBool(vpn))
		if p.Environment != nil {
			want["environment"] = []string{env1, env2}
		}
		for _, k := range []string{"start", "end", "min_suspect_score"} {
			if v, ok := vals[k]; ok {
				want[k] = v // checked below
			}
		}
		if !mapsEqual(vals, want) {
			t.Fatalf("query %q decodes to %v, want %v", q, vals, want)
		}
		if got, err := strconv.ParseFloat(vals.Get("min_suspect_score"), 64); err != nil || got != minScore {
			t.Fatalf("min_suspect_score %q, want %v", vals.Get("min_suspect_score"), minScore)
		}
		checkTime := func(name string, tm time.Time, up bool) {
			v, ok := vals[name]
			if tm.IsZero() != !ok {
				t.Fatalf("%s present=%v for %v", name, ok, tm)
			}
			if !ok {
				return
			}
			got, err := time.Parse(time.RFC3339, v[0])
			if err != nil || !strings.HasSuffix(v[0], "Z") || got.Nanosecond() != 0 {
				t.Fatalf("%s=%q is not UTC RFC 3339 at whole seconds: %v", name, v[0], err)
			}
			d := got.Sub(tm)
			if up && (d < 0 || d >= time.Second) || !up && (d > 0 || d <= -time.Second) {
				t.Fatalf("%s=%s for %v narrows the window or rounds by %v", name, v[0], tm, d)
			}
		}
		checkTime("start", p.Start, false)
		checkTime("end", p.End, true)
	})
}

func absMod(v, m int64) int64 {
	v %= m
	if v < 0 {
		v = -v
	}
	return v
}

func mapsEqual(a, b url.Values) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}
