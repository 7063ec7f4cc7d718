package gen_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fpgo/fingerprint-go/gen"
)

// fixtureDir holds wire fixtures written for this SDK (see its README.md).
const fixtureDir = "../testdata/wire"

// fixtureType picks the generated type for one of our fixtures by its name prefix.
func fixtureType(name string) (wireType, bool) {
	for _, p := range []struct {
		prefix string
		w      wireType
	}{
		{"event_", typeEvent},
		{"search_", typeEventSearch},
		{"update_", typeEventUpdate},
		{"edge_request_", typeEdgeRequest},
		{"edge_response_", typeEdgeResponse},
		{"error_", typeErrorResponse},
	} {
		if strings.HasPrefix(name, p.prefix) {
			return p.w, true
		}
	}
	return "", false
}

func TestFixturesRoundTripAndValidate(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(fixtureDir, "*.json"))
	if err != nil || len(files) < 10 {
		t.Fatalf("want at least 10 fixtures in %s, found %d (err %v)", fixtureDir, len(files), err)
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			w, ok := fixtureType(name)
			if !ok {
				t.Fatalf("fixture %s has no known type prefix", name)
			}
			data := readFile(t, path)
			assertSameJSON(t, data, roundTrip(t, w, data))
			validateAgainstSpec(t, w, data)
		})
	}
}

// TestZeroValuesSurvive pins the reason optional fields are pointers: false,
// 0, "", {} and [] mean something different from "absent" in this API.
func TestZeroValuesSurvive(t *testing.T) {
	cases := []struct {
		fixture string
		w       wireType
		path    string
		want    string // JSON of the value after the round trip
	}{
		{"event_device_full.json", typeEvent, "incognito", `false`},
		{"event_device_full.json", typeEvent, "suspect", `false`},
		{"event_device_full.json", typeEvent, "suspect_score", `0`},
		{"event_device_full.json", typeEvent, "tampering_ml_score", `0`},
		{"event_device_full.json", typeEvent, "tags", `{}`},
		{"event_device_full.json", typeEvent, "bot_type", `""`},
		{"event_device_full.json", typeEvent, "raw_device_attributes.fonts", `[]`},
		{"event_device_full.json", typeEvent, "raw_device_attributes.webgl_extensions.unsupported_extensions", `[]`},
		{"event_device_full.json", typeEvent, "ip_info.v6.geolocation.subdivisions", `[]`},
		{"event_device_full.json", typeEvent, "ip_info.v6.geolocation.latitude", `0`},
		{"event_device_full.json", typeEvent, "supplementary_id_high_recall.confidence.score", `0`},
		{"event_mobile_android.json", typeEvent, "factory_reset_timestamp", `0`},
		{"event_mobile_android.json", typeEvent, "raw_device_attributes.battery_level", `0`},
		{"event_edge.json", typeEvent, "linked_id", `""`},
		{"event_edge.json", typeEvent, "rule_action.request_header_modifications.append", `[]`},
		{"event_edge.json", typeEvent, "tags", `{"attempt":0,"flags":[],"meta":{"beta":false},"tenant":"acme"}`},
		{"search_empty.json", typeEventSearch, "events", `[]`},
		{"update_all_fields.json", typeEventUpdate, "suspect", `false`},
		{"update_clear_tags.json", typeEventUpdate, "tags", `{}`},
		{"edge_request_full.json", typeEdgeRequest, "headers[4].value", `""`},
		{"edge_response_human.json", typeEdgeResponse, "ip_info", `{}`},
	}
	for _, tc := range cases {
		t.Run(tc.fixture+":"+tc.path, func(t *testing.T) {
			out := decodeAny(t, roundTrip(t, tc.w, readFile(t, filepath.Join(fixtureDir, tc.fixture))))
			got, ok := lookup(out, tc.path)
			if !ok {
				t.Fatalf("%s vanished in the round trip", tc.path)
			}
			if b, _ := json.Marshal(got); string(b) != tc.want {
				t.Errorf("%s = %s after the round trip, want %s", tc.path, b, tc.want)
			}
		})
	}
}

// TestZeroValuesAreEncoded builds values in Go: set-to-zero fields must be
// sent, unset fields must not.
func TestZeroValuesAreEncoded(t *testing.T) {
	update := gen.EventUpdate{Suspect: ptr(false), Tags: &map[string]interface{}{}}
	b, err := json.Marshal(update)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"suspect":false,"tags":{}}` {
		t.Errorf("EventUpdate encodes as %s", b)
	}
	b, err = json.Marshal(gen.EventUpdate{})
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{}` {
		t.Errorf("empty EventUpdate encodes as %s, want {}", b)
	}
}

func ptr[T any](v T) *T { return &v }

// lookup follows a dotted path with optional [i] indexes through decoded JSON.
func lookup(v any, path string) (any, bool) {
	for _, part := range strings.Split(path, ".") {
		name, index, hasIndex := strings.Cut(part, "[")
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[name]; !ok {
			return nil, false
		}
		if hasIndex {
			var i int
			if err := json.Unmarshal([]byte(strings.TrimSuffix(index, "]")), &i); err != nil {
				return nil, false
			}
			arr, ok := v.([]any)
			if !ok || i >= len(arr) {
				return nil, false
			}
			v = arr[i]
		}
	}
	return v, true
}
