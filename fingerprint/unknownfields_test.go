package fingerprint_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
)

// newerEvent is an event as a newer API might send it: every field this SDK knows, plus
// members it does not, at the top level (brand_new_signal, velocity_v2, a number beyond
// float64's exact range), inside known objects (bot_info, identification and its
// confidence, ip_info.v4, device_details), inside a list element (triggered_by[0]), and a
// known field sent as null (bundle_id).
func newerEvent(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/newer_event.json")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// requireJSONEqual fails unless got and want hold the same JSON value (numbers compared
// as written, members in any order).
func requireJSONEqual(t testing.TB, what string, got, want []byte) {
	t.Helper()
	decode := func(b []byte) any {
		dec := json.NewDecoder(strings.NewReader(string(b)))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("%s: %v in %s", what, err, b)
		}
		return v
	}
	g, w := decode(got), decode(want)
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s: JSON differs from the server's\n got: %s\nwant: %s", what, compact(got), compact(want))
	}
}

func compact(b []byte) string {
	var sb strings.Builder
	enc := json.NewEncoder(&sb)
	var v any
	_ = json.Unmarshal(b, &v)
	_ = enc.Encode(v)
	return sb.String()
}

// requireLossless checks that ev, as the SDK returned it, marshals to the server's JSON
// and that RawJSON is that JSON.
func requireLossless(t testing.TB, what string, ev *fingerprint.Event, sent []byte) {
	t.Helper()
	got, err := json.Marshal(ev)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	requireJSONEqual(t, what+": json.Marshal(*Event)", got, sent)
	requireJSONEqual(t, what+": RawJSON", ev.RawJSON(), sent)
	if got := ev.AppendRawJSON([]byte("x")); string(got) != "x"+string(ev.RawJSON()) {
		t.Errorf("%s: AppendRawJSON appended %q", what, got)
	}
	var value fingerprint.Event = *ev // a value marshals the same way
	if got, err = json.Marshal(value); err != nil {
		t.Fatal(err)
	}
	requireJSONEqual(t, what+": json.Marshal(Event)", got, sent)
}

func TestUnknownFieldsSurviveGetEvent(t *testing.T) {
	sent := newerEvent(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(sent) // indented, as a server may send it
	}))
	defer srv.Close()
	c, err := fingerprint.NewClient(fingerprint.TestKey, fingerprint.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	ev, err := c.GetEvent(t.Context(), "e1", nil)
	if err != nil {
		t.Fatal(err)
	}
	requireLossless(t, "GetEvent", ev, sent)
	if ev.DeviceDetails == nil || ev.BotInfo == nil || ev.BotInfo.Name != "Headless Chrome" {
		t.Errorf("known fields not decoded: %+v", ev.BotInfo)
	}
}

// TestUnknownFieldsSurviveSearchAndIterators serves the newer event through fingerprinttest
// (seeded from JSON, so its unknown members are served as they are) and reads it back
// through every search path.
func TestUnknownFieldsSurviveSearchAndIterators(t *testing.T) {
	// Recent enough for the default search window.
	sent := []byte(strings.Replace(string(newerEvent(t)), `"timestamp": 1768478400000`,
		`"timestamp": `+strconv.FormatInt(time.Now().Add(-time.Hour).UnixMilli(), 10), 1))
	var seed fingerprint.Event
	if err := json.Unmarshal(sent, &seed); err != nil {
		t.Fatal(err)
	}
	others := fingerprinttest.NewGenerator(3).Events(150)
	srv := fingerprinttest.NewServer(t, fingerprinttest.WithEvents(append(others, seed)...))
	c, err := fingerprint.NewClient(srv.APIKey(), fingerprint.WithBaseURL(srv.URL()))
	if err != nil {
		t.Fatal(err)
	}
	ev, err := c.GetEvent(t.Context(), seed.EventID, nil)
	if err != nil {
		t.Fatal(err)
	}
	requireLossless(t, "GetEvent via fingerprinttest", ev, sent)

	page, err := c.SearchEvents(t.Context(), &fingerprint.SearchEventsParams{Limit: 100, VisitorID: seed.Identification.VisitorID})
	if err != nil || len(page.Events) != 1 {
		t.Fatalf("SearchEvents: %v, %d events", err, len(page.Events))
	}
	requireLossless(t, "SearchEvents", &page.Events[0], sent)

	// All 151 events through the iterators (two pages): the newer one is lossless and every
	// other event keeps exactly the JSON the server sent for it.
	found := 0
	for ev, err := range c.SearchEventsIter(t.Context(), &fingerprint.SearchEventsParams{Limit: 100}) {
		if err != nil {
			t.Fatal(err)
		}
		if ev.EventID == seed.EventID {
			found++
			requireLossless(t, "SearchEventsIter", ev, sent)
			continue
		}
		stored, _ := srv.Event(ev.EventID)
		want, _ := json.Marshal(&stored.Event)
		requireLossless(t, "SearchEventsIter (generated "+ev.EventID+")", ev, want)
	}
	for p, err := range c.SearchEventsPages(t.Context(), &fingerprint.SearchEventsParams{Limit: 100}) {
		if err != nil {
			t.Fatal(err)
		}
		for i := range p.Events {
			if p.Events[i].EventID == seed.EventID {
				found++
				requireLossless(t, "SearchEventsPages", &p.Events[i], sent)
			}
		}
		// The page itself marshals with its events' unknown members.
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), seed.EventID) != strings.Contains(string(b), "brand_new_signal") {
			t.Errorf("a page with the newer event lost its unknown members: %.200s", b)
		}
	}
	if found != 2 {
		t.Errorf("the newer event was seen %d times, want once per iterator", found)
	}
}

// TestModifiedEventKeepsUnknownFields: changes to known fields win, unknown members stay,
// at the top level and inside known objects.
func TestModifiedEventKeepsUnknownFields(t *testing.T) {
	var ev fingerprint.Event
	if err := json.Unmarshal(newerEvent(t), &ev); err != nil {
		t.Fatal(err)
	}
	ev.LinkedID = fingerprint.Ptr("changed")
	ev.BotInfo.Name = "Renamed"
	ev.Identification.Confidence = nil
	ev.Tampering = nil
	b, err := json.Marshal(&ev)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	bot := got["bot_info"].(map[string]any)
	ident := got["identification"].(map[string]any)
	switch {
	case got["linked_id"] != "changed", bot["name"] != "Renamed":
		t.Errorf("changes lost: %v %v", got["linked_id"], bot["name"])
	case ident["confidence"] != nil, got["tampering"] != nil:
		t.Errorf("removed fields came back: %v %v", ident["confidence"], got["tampering"])
	case got["brand_new_signal"] == nil, bot["new_member"] != "z", ident["new_id_field"] == nil:
		t.Errorf("unknown members lost: %s", b)
	}
	// RawJSON is still what the server sent.
	if !strings.Contains(string(ev.RawJSON()), `"Headless Chrome"`) {
		t.Error("RawJSON changed with the fields")
	}
}

// TestEventBuiltInCodeMarshalsLikeGen: without server JSON, an Event marshals exactly as
// the generated type does.
func TestEventBuiltInCodeMarshalsLikeGen(t *testing.T) {
	ev := fingerprinttest.FullEvent()
	a, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(&ev.Event)
	if string(a) != string(b) || ev.RawJSON() != nil || string(ev.AppendRawJSON([]byte("x"))) != "x" {
		t.Errorf("differs from gen.Event:\n%s\n%s", a, b)
	}
}

// TestUnmodifiedEventsRoundTrip: decoding any event the fake can generate and encoding it
// again gives the same JSON, pretty-printed input included.
func TestUnmodifiedEventsRoundTrip(t *testing.T) {
	g := fingerprinttest.NewGenerator(11)
	events := append(g.Events(300), g.EdgeEvent(), g.EdgeEvent(), fingerprinttest.FullEvent())
	for _, src := range events {
		sent, err := json.MarshalIndent(&src.Event, "", "\t")
		if err != nil {
			t.Fatal(err)
		}
		var ev fingerprint.Event
		if err := json.Unmarshal(sent, &ev); err != nil {
			t.Fatal(err)
		}
		requireLossless(t, ev.EventID, &ev, sent)
	}
}
