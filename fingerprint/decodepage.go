package fingerprint

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/fpgo/fingerprint-go/gen"
)

// decodeSearchPage decodes a search page that may hold at most limit events. Before
// json.Unmarshal allocates anything, one pass over the bytes counts the elements of the
// events array and the JSON values inside them: a page with more is a *DecodeError, so a
// small body of tiny events ({},{},... decodes into about 3 KB each) or of nested
// containers cannot turn into gigabytes of Events. The same pass records where each event
// starts and ends, so every Event keeps the server's bytes (Event.RawJSON) without
// another pass.
func decodeSearchPage(res *response, limit int) (*EventSearch, error) {
	maxValues := searchValueLimit(limit)
	var scan pageScan
	if !scan.scan(res.body, limit, maxValues) {
		err := fmt.Errorf("the page holds more than %d events, more than the %d asked for", limit, limit)
		if scan.n <= limit {
			err = fmt.Errorf("the events hold more than %d JSON values (%d per event asked for)", maxValues, maxSearchValuesPerEvent)
		}
		return nil, newDecodeError(opSearchEvents(limit), res.status, res.body, false, res.key, err)
	}
	page, err := decodeJSON[gen.EventSearch](opSearchEvents(limit), res)
	if err != nil {
		return nil, err
	}
	out := &EventSearch{PaginationKey: page.PaginationKey, TotalHits: page.TotalHits}
	if page.Events == nil {
		return out, nil
	}
	out.Events = make([]Event, len(page.Events))
	if spans := scan.spans; len(spans) == len(page.Events) {
		for i := range page.Events {
			out.Events[i] = withRaw(&page.Events[i], res.body[spans[i].start:spans[i].end])
		}
		return out, nil
	}
	// Only for pages json.Unmarshal reads differently from the scan (an events key that
	// is repeated, case-folded or null): a second pass finds the elements it decoded.
	var raws struct {
		Events []json.RawMessage `json:"events"`
	}
	_ = json.Unmarshal(res.body, &raws) // it just decoded the same bytes
	for i := range page.Events {
		var raw []byte
		if len(raws.Events) == len(page.Events) {
			raw = raws.Events[i]
		}
		out.Events[i] = withRaw(&page.Events[i], raw)
	}
	return out, nil
}

// maxSearchValuesPerEvent is the budget of JSON values a search page may hold per event
// asked for, over the whole page, and never less than minSearchValues. Values are counted
// as the commas between members and elements, and every object or array counts as
// containerWeight more. Bytes alone do not bound memory: a 6 MiB array of tiny numbers in
// tags decodes into about 300 MiB, and a chain of nested objects ({"":{"":...}}, no
// commas) about 365 bytes per object. A full event holds about 600 values; 4096 on
// average leaves room for large tags (16 KB of tags hold at most about 8,000 values,
// which one event of a page may use).
const maxSearchValuesPerEvent = 4096

// containerWeight is what one object or array counts against the value budget: decoded
// into free-form JSON (tags), an object nested in an object costs about 365 bytes, 3.6
// times a small number in a list (101 bytes), so 4 keeps every container within what a
// counted value may cost.
const containerWeight = 4

// minSearchValues lets a page of any size hold one event with the largest legitimate tags.
const minSearchValues = 32 << 10

func searchValueLimit(limit int) int { return max(limit*maxSearchValuesPerEvent, minSearchValues) }

// span is where one element of the events array starts and ends in a page body.
type span struct{ start, end int }

// pageScan is the result of one pre-scan of a search page.
type pageScan struct {
	n      int    // elements of the last events array
	values int    // values counted inside events arrays
	spans  []span // where each element of the last events array is
}

// countEvents is the pre-scan as its tests call it.
func countEvents(data []byte, limit, maxValues int) (n, values int, ok bool) {
	var s pageScan
	ok = s.scan(data, limit, maxValues)
	return s.n, s.values, ok
}

// scan counts the elements of every "events" array at the top level of the JSON object
// data, and the JSON values inside them (every ',', and every object or array with
// containerWeight), stopping as soon as an array has more than limit elements or the
// values exceed maxValues; it returns false then. It records each element's span. The key
// is matched the way encoding/json matches it to EventSearch.Events (escapes decoded,
// case folded), and duplicate keys are each counted, since json.Unmarshal decodes each;
// the spans are those of the last array.
//
// It is not a validator: on malformed input its count may be wrong, and json.Unmarshal,
// which runs next, reports the syntax error. On input json.Unmarshal accepts, the count
// is exact. It allocates only the spans (and to decode a key with escapes) and skips the
// inside of strings with bytes.IndexByte.
func (s *pageScan) scan(data []byte, limit, maxValues int) bool {
	depth := 0
	arrayDepth := 0    // depth of the events array being counted; 0 when none
	expectKey := false // inside the top-level object, the next string is a key
	isEvents := false  // the last top-level key was "events"
	n, values := 0, 0
	for i := 0; i < len(data); i++ {
		c := data[i]
		if !structural[c] {
			continue
		}
		switch c {
		case '"':
			// Most strings are short and escape-free: find the closing quote inline.
			end := i + 1
			for end < len(data) && data[end] != '"' && data[end] != '\\' {
				end++
			}
			if end >= len(data) || data[end] == '\\' {
				end = stringEnd(data, i+1)
			}
			if end < 0 {
				return s.done(n, values, true) // unterminated string: json.Unmarshal reports it
			}
			if expectKey && depth == 1 {
				isEvents = isEventsKey(data[i+1 : end])
				expectKey = false
			}
			i = end
		case '{', '[':
			depth++
			switch {
			case arrayDepth != 0:
				// Nesting is not free: each container costs memory of its own.
				if values += containerWeight; values > maxValues {
					return s.done(n, values, false)
				}
			case depth == 1 && c == '{':
				expectKey = true
			case depth == 2 && c == '[' && isEvents:
				arrayDepth, n = 2, 0
				s.spans = s.spans[:0]
				if j := skipSpace(data, i+1); j < len(data) && data[j] != ']' {
					n = 1
					s.spans = append(s.spans, span{start: j})
				}
			}
		case '}', ']':
			if depth == arrayDepth {
				if n > limit {
					return s.done(n, values, false)
				}
				if n > 0 {
					s.spans[len(s.spans)-1].end = trimEnd(data, i)
				}
				arrayDepth = 0
			}
			depth--
			isEvents = isEvents && depth > 1
		case ',':
			switch {
			case depth == 1:
				expectKey, isEvents = true, false
			case arrayDepth != 0:
				if values++; values > maxValues {
					return s.done(n, values, false)
				}
				if depth == arrayDepth {
					if n++; n > limit {
						return s.done(n, values, false)
					}
					s.spans[len(s.spans)-1].end = trimEnd(data, i)
					s.spans = append(s.spans, span{start: skipSpace(data, i+1)})
				}
			}
		}
	}
	return s.done(n, values, n <= limit)
}

func (s *pageScan) done(n, values int, ok bool) bool {
	s.n, s.values = n, values
	return ok
}

// trimEnd returns the end of the value that ends before data[i], JSON whitespace excluded.
func trimEnd(data []byte, i int) int {
	for i > 0 && jsonSpace[data[i-1]] {
		i--
	}
	return i
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && jsonSpace[data[i]] {
		i++
	}
	return i
}

// stringEnd returns the index of the quote that closes the string starting at data[from],
// or -1. Short strings (most keys and values) are walked byte by byte, which is faster
// than a call; longer ones are skipped with bytes.IndexByte.
func stringEnd(data []byte, from int) int {
	j := from
	for stop := min(len(data), from+16); j < stop; j++ {
		switch data[j] {
		case '"':
			return j
		case '\\':
			j++ // the escaped byte cannot close the string
		}
	}
	for j < len(data) {
		k := bytes.IndexByte(data[j:], '"')
		if k < 0 {
			return -1
		}
		q := j + k
		backslashes := 0
		for b := q - 1; b >= from && data[b] == '\\'; b-- {
			backslashes++
		}
		if backslashes%2 == 0 {
			return q
		}
		j = q + 1
	}
	return -1
}

// isEventsKey reports whether the raw (still escaped) key decodes to a name that
// encoding/json matches to the "events" field: equal under Unicode case folding.
func isEventsKey(raw []byte) bool {
	if bytes.IndexByte(raw, '\\') < 0 {
		return len(raw) <= 3*len("events") && strings.EqualFold(string(raw), "events")
	}
	var key string
	if json.Unmarshal(append(append([]byte{'"'}, raw...), '"'), &key) != nil {
		return false
	}
	return strings.EqualFold(key, "events")
}

// structural marks the bytes countEvents acts on; jsonSpace the JSON whitespace.
var structural, jsonSpace [256]bool

func init() {
	for _, c := range []byte(`"{}[],`) {
		structural[c] = true
	}
	for _, c := range []byte(" \t\n\r") {
		jsonSpace[c] = true
	}
}

// maxEventValues is the budget of JSON values (counted as the pre-scan of a search page
// counts them) that GetEvent decodes: that of one event of a page, which holds the
// largest legitimate tags. It bounds what one GetEvent call allocates to about 16 MiB
// whatever the body (a 1 MiB body of nested objects cost 68 MiB without it).
const maxEventValues = minSearchValues

// withinValues reports whether the JSON data holds at most maxValues values, counted
// like pageScan.scan counts them inside an events array. Like it, it is not a validator.
func withinValues(data []byte, maxValues int) bool {
	values := 0
	for i := 0; i < len(data); i++ {
		c := data[i]
		if !structural[c] {
			continue
		}
		switch c {
		case '"':
			end := stringEnd(data, i+1)
			if end < 0 {
				return true // unterminated string: json.Unmarshal reports it
			}
			i = end
		case '{', '[':
			values += containerWeight
		case ',':
			values++
		}
		if values > maxValues {
			return false
		}
	}
	return true
}

// decodeEvent decodes GetEvent's body, at most maxEventValues JSON values, and keeps the
// body (which the caller owns) as the event's raw JSON.
func decodeEvent(res *response) (*Event, error) {
	if !withinValues(res.body, maxEventValues) {
		err := fmt.Errorf("the event holds more than %d JSON values", maxEventValues)
		return nil, newDecodeError(opGetEvent, res.status, res.body, false, res.key, err)
	}
	ev, err := decodeJSON[gen.Event](opGetEvent, res)
	if err != nil {
		return nil, err
	}
	out := withRaw(ev, res.body)
	return &out, nil
}
