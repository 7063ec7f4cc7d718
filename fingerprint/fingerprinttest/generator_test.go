package fingerprinttest

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/gen"
	"github.com/stretchr/testify/require"
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
	require.Equal(t, generated(3), generated(3))
	require.NotEqual(t, generated(3), generated(4))
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
	require.NoError(t, srv.AddEvents(evs...), "every generated event matches the Event schema")

	seen := map[string]bool{}
	visitors := map[string]bool{}
	platforms := map[gen.SDKPlatform]int{}
	var edge, badBots, vpn, withRaw int
	for _, ev := range evs {
		require.False(t, seen[ev.EventID], "duplicate event ID %s", ev.EventID)
		seen[ev.EventID] = true
		ts := time.UnixMilli(ev.Timestamp)
		require.False(t, ts.After(fixedNow), "event in the future")
		require.True(t, ts.After(fixedNow.Add(-7*24*time.Hour)), "event outside the default search window")
		if ev.Source != nil && *ev.Source == gen.EventSourceEdge {
			edge++
			require.Nil(t, ev.Identification)
			require.NotNil(t, ev.IPInfo)
			continue
		}
		require.NotNil(t, ev.Identification)
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
		require.NotNil(t, ev.SuspectScore)
		require.NotNil(t, ev.Velocity)
	}
	require.Equal(t, 50, edge)
	require.Less(t, len(visitors), 1500/2, "visitors return")
	for _, p := range []gen.SDKPlatform{gen.SDKPlatformJS, gen.SDKPlatformAndroid, gen.SDKPlatformIOS} {
		require.Greater(t, platforms[p], 50, "platform %s", p)
	}
	require.Greater(t, badBots, 10)
	require.Greater(t, vpn, 50)
	require.Equal(t, platforms[gen.SDKPlatformJS], withRaw, "browser events carry raw device attributes")

	// The default search sees them all (newest first), edge events only with source=edge.
	require.Equal(t, int64(1000), *search(t, srv, "total_hits=1000").TotalHits)
	require.Equal(t, int64(50), *search(t, srv, "source=edge&total_hits=1000").TotalHits)
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
				require.False(t, rv.Field(i).IsNil(), "%s.%s is missing", rv.Type().Name(), f.Name)
			}
		}
	}
	b, err := json.Marshal(ev)
	require.NoError(t, err)
	require.InDelta(t, 8000, len(b), 2500, "about 8 KB of JSON, got %d", len(b))
	again, _ := json.Marshal(FullEvent())
	require.Equal(t, b, again, "deterministic")

	srv := NewServer(t)
	require.NoError(t, srv.AddEvents(ev), "valid against the Event schema")
	got := decode[gen.Event](t, call(t, srv, "GET", "/events/"+ev.EventID, nil))
	gotJSON, _ := json.Marshal(got)
	require.JSONEq(t, string(b), string(gotJSON), "served unchanged")
}
