package fingerprinttest

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/gen"
)

// generated is the JSON of what a generator seeded with seed makes: 50 device events,
// an edge event and an event at a set time.
func generated(seed uint64) []byte {
	g := NewGenerator(seed)
	g.SetNow(fixedNow)
	evs := append(g.Events(50), g.EdgeEvent(), g.EventAt(fixedNow.Add(-time.Hour)))
	b, _ := json.Marshal(evs)
	return b
}

func TestGeneratorIsDeterministic(t *testing.T) {
	if got, want := generated(3), generated(3); !reflect.DeepEqual(got, want) {
		t.Fatalf("generated(3) = %v, want %v", got, want)
	}
	if reflect.DeepEqual(generated(4), generated(3)) {
		t.Fatalf("generated(4) = %v, want anything but %v", generated(4), generated(3))
	}
}

func TestGeneratedEventsAreValidAndRealistic(t *testing.T) {
	t.Parallel() // heavy: overlaps with the other heavy tests
	g := NewGenerator(11)
	g.SetNow(fixedNow)
	evs := g.Events(1500)
	for range 50 {
		evs = append(evs, g.EdgeEvent())
	}
	srv := NewServer(t, WithClock(fixedClock))
	if err := srv.AddEvents(evs...); err != nil {
		t.Fatalf("every generated event matches the Event schema: srv.AddEvents(evs...): %v", err)
	}

	seen := map[string]bool{}
	visitors := map[string]bool{}
	platforms := map[gen.SDKPlatform]int{}
	var edge, badBots, vpn, withRaw int
	for _, ev := range evs {
		if seen[ev.EventID] {
			t.Fatalf("duplicate event ID %s: seen[ev.EventID] is true, want false", ev.EventID)
		}
		seen[ev.EventID] = true
		ts := time.UnixMilli(ev.Timestamp)
		if ts.After(fixedNow) {
			t.Fatalf("event in the future: ts.After(fixedNow) is true, want false")
		}
		if !ts.After(fixedNow.Add(-7 * 24 * time.Hour)) {
			t.Fatalf("event outside the default search window: ts.After(fixedNow.Add(-7*24*time.Hour)) is false, want true")
		}
		if ev.Source != nil && *ev.Source == gen.EventSourceEdge {
			edge++
			if ev.Identification != nil {
				t.Fatalf("ev.Identification = %v, want nil", ev.Identification)
			}
			if ev.IPInfo == nil {
				t.Fatalf("ev.IPInfo is nil")
			}
			continue
		}
		if ev.Identification == nil {
			t.Fatalf("ev.Identification is nil")
		}
		visitors[ev.Identification.VisitorID] = true
		platforms[ev.SDK.Platform]++
		if ev.Bot != nil && *ev.Bot == gen.BotResultBad {
			badBots++
		}
		if *ev.VPN {
			vpn++
		}
		if ev.RawDeviceAttributes != nil {
			withRaw++
		}
		if ev.SuspectScore == nil {
			t.Fatalf("ev.SuspectScore is nil")
		}
		if ev.Velocity == nil {
			t.Fatalf("ev.Velocity is nil")
		}
	}
	if edge != 50 {
		t.Fatalf("edge = %v, want %v", edge, 50)
	}
	if len(visitors) >= (1500 / 2) {
		t.Fatalf("visitors return: len(visitors) = %v, want < %v", len(visitors), 1500/2)
	}
	for _, p := range []gen.SDKPlatform{gen.SDKPlatformJS, gen.SDKPlatformAndroid, gen.SDKPlatformIOS} {
		if platforms[p] <= 50 {
			t.Fatalf("platform %s: platforms[p] = %v, want > %v", p, platforms[p], 50)
		}
	}
	if badBots <= 10 {
		t.Fatalf("badBots = %v, want > %v", badBots, 10)
	}
	if vpn <= 50 {
		t.Fatalf("vpn = %v, want > %v", vpn, 50)
	}
	if got, want := withRaw, platforms[gen.SDKPlatformJS]; !reflect.DeepEqual(got, want) {
		t.Fatalf("browser events carry raw device attributes: withRaw = %v, want %v", got, want)
	}

	// The default search sees them all (newest first), edge events only with source=edge.
	if got := *search(t, srv, "total_hits=1000").TotalHits; got != int64(1000) {
		t.Fatalf("*search(t, srv, \"total_hits=1000\").TotalHits = %v, want %v", got, int64(1000))
	}
	if got := *search(t, srv, "source=edge&total_hits=1000").TotalHits; got != int64(50) {
		t.Fatalf("*search(t, srv, \"source=edge&total_hits=1000\").TotalHits = %v, want %v", got, int64(50))
	}
}

func TestFullEventHasEveryField(t *testing.T) {
	ev := FullEvent()
	for _, v := range []any{ev, *ev.RawDeviceAttributes, *ev.IPInfo, *ev.IPInfo.V4, *ev.IPInfo.V6,
		*ev.IPInfo.V4.Geolocation, *ev.Velocity, *ev.VPNMethods, *ev.TamperingDetails, *ev.IPBlocklist,
		*ev.Identification, *ev.SupplementaryIDHighRecall, *ev.BotInfo, *ev.ProxyDetails, *ev.SDK, *ev.DeviceDetails} {
		rv := reflect.ValueOf(v)
		for i := range rv.NumField() {
			f := rv.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			if k := rv.Field(i).Kind(); k == reflect.Pointer || k == reflect.Slice || k == reflect.Map {
				if rv.Field(i).IsNil() {
					t.Fatalf("%s.%s is missing: rv.Field(i).IsNil() is true, want false", rv.Type().Name(), f.Name)
				}
			}
		}
	}
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	if d := len(b) - 8000; d < -2500 || d > 2500 {
		t.Fatalf("about 8 KB of JSON, got %d bytes, want 8000 ± 2500", len(b))
	}
	again, _ := json.Marshal(FullEvent())
	if got, want := again, b; !reflect.DeepEqual(got, want) {
		t.Fatalf("deterministic: again = %v, want %v", got, want)
	}

	srv := NewServer(t)
	if err := srv.AddEvents(ev); err != nil {
		t.Fatalf("valid against the Event schema: srv.AddEvents(ev): %v", err)
	}
	got := decode[gen.Event](t, call(t, srv, "GET", "/events/"+ev.EventID, nil))
	gotJSON, _ := json.Marshal(got)
	sameJSON(t, "served unchanged", string(b), string(gotJSON))
}
