package fingerprint

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// decodeSearchPage decodes a search page that may hold at most limit events. Before
// json.Unmarshal allocates anything, one pass over the bytes counts the elements of the
// events array: a page with more is a *DecodeError, so a small body of tiny events
// ({},{},... decodes into about 3 KB each) cannot turn into gigabytes of Events.
func decodeSearchPage(res *response, limit int) (*EventSearch, error) {
	maxValues := searchValueLimit(limit)
	if n, _, ok := countEvents(res.body, limit, maxValues); !ok {
		err := fmt.Errorf("the page holds more than %d events, more than the %d asked for", limit, limit)
		if n <= limit {
			err = fmt.Errorf("the events hold more than %d JSON values (%d per event asked for)", maxValues, maxSearchValuesPerEvent)
		}
		return nil, newDecodeError(opSearchEvents(limit), res.status, res.body, false, res.key, err)
	}
	return decodeJSON[EventSearch](opSearchEvents(limit), res)
}

// maxSearchValuesPerEvent is the budget of JSON values (counted as the commas between
// members and elements) a search page may hold per event asked for, over the whole page, and
// never less than minSearchValues. Bytes alone do not bound memory: a 6 MiB array of
// tiny numbers in tags decodes into about 300 MiB. A full event holds about 600 values;
// 4096 on average leaves room for large tags (16 KB of tags hold at most about 8,000
// values, which one event of a page may use).
const maxSearchValuesPerEvent = 4096

// minSearchValues lets a page of any size hold one event with the largest legitimate tags.
const minSearchValues = 32 << 10

func searchValueLimit(limit int) int { return max(limit*maxSearchValuesPerEvent, minSearchValues) }

// countEvents counts the elements of every "events" array at the top level of the JSON
// object data, and the JSON values inside them (every ','), stopping as soon
// as an array has more than limit elements or the values exceed maxValues; ok is false then. The key is
// matched the way encoding/json matches it to EventSearch.Events (escapes decoded,
// case folded), and duplicate keys are each counted, since json.Unmarshal decodes each.
//
// It is not a validator: on malformed input its count may be wrong, and json.Unmarshal,
// which runs next, reports the syntax error. On input json.Unmarshal accepts, the count
// is exact. It allocates nothing (except to decode a key with escapes) and skips the
// inside of strings with bytes.IndexByte.
func countEvents(data []byte, limit, maxValues int) (n, values int, ok bool) { //nolint:unparam // values is part of the signature fingerprint/memory_test.go calls (another change owns that file); drop it with them
	depth := 0
	arrayDepth := 0    // depth of the events array being counted; 0 when none
	expectKey := false // inside the top-level object, the next string is a key
	isEvents := false  // the last top-level key was "events"
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
				return n, values, true // unterminated string: json.Unmarshal reports it
			}
			if expectKey && depth == 1 {
				isEvents = isEventsKey(data[i+1 : end])
				expectKey = false
			}
			i = end
		case '{', '[':
			depth++ // containers need no count of their own: JSON nests at most 10,000 deep
			switch {
			case depth == 1 && c == '{':
				expectKey = true
			case depth == 2 && c == '[' && isEvents:
				arrayDepth, n = 2, 0
				if j := skipSpace(data, i+1); j < len(data) && data[j] != ']' {
					n = 1
				}
			}
		case '}', ']':
			if depth == arrayDepth {
				if n > limit {
					return n, values, false
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
					return n, values, false
				}
				if depth == arrayDepth {
					if n++; n > limit {
						return n, values, false
					}
				}
			}
		}
	}
	return n, values, n <= limit
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
