package fingerprinttest

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/gen"
)

// Generator makes realistic events: device events with the Smart Signals of their
// platform (browser, Android or iOS) and edge events, for a pool of returning visitors.
// The same seed gives the same sequence of events; timestamps are relative to the
// generator's clock (SetNow). A Generator is safe for concurrent use.
type Generator struct {
	mu       sync.Mutex
	rnd      *rand.Rand
	now      time.Time
	visitors []*visitor
	issued   map[string]bool
}

// visitor is a returning browser or device: its identity and environment stay stable.
type visitor struct {
	id, highRecallID string
	platform         gen.SDKPlatform
	browser          browser
	place            place
	ipLast           int
	firstSeen        int64
	linkedID         string
	environment      string
	bad              bool // a bad bot or fraudster: its signals are mostly set
}

// NewGenerator returns a generator seeded with seed, whose clock is time.Now at the
// time of the call.
func NewGenerator(seed uint64) *Generator {
	return &Generator{
		rnd:    rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		now:    time.Now(),
		issued: make(map[string]bool),
	}
}

// SetNow sets the generator's clock. Event timestamps fall within the 6 days before it,
// inside the API's default 7-day search window.
func (g *Generator) SetNow(t time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.now = t
}

// Event returns a device event at a random time within the 6 days before the clock.
func (g *Generator) Event() fingerprint.Event {
	g.mu.Lock()
	defer g.mu.Unlock()
	return fingerprint.Event{Event: g.event(g.randomTime())}
}

// EventAt returns a device event with the given timestamp.
func (g *Generator) EventAt(t time.Time) fingerprint.Event {
	g.mu.Lock()
	defer g.mu.Unlock()
	return fingerprint.Event{Event: g.event(t.UnixMilli())}
}

// Events returns n device events spread over the 6 days before the clock, from a pool
// of returning visitors, in no particular order.
func (g *Generator) Events(n int) []fingerprint.Event {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make([]fingerprint.Event, 0, max(n, 0))
	for range n {
		out = append(out, fingerprint.Event{Event: g.event(g.randomTime())})
	}
	return out
}

// EdgeEvent returns an Automation Intelligence event (source edge, no identification)
// at a random time within the 6 days before the clock.
func (g *Generator) EdgeEvent() fingerprint.Event {
	g.mu.Lock()
	defer g.mu.Unlock()
	ts := g.randomTime()
	p := places[g.rnd.IntN(len(places))]
	ev := gen.Event{
		EventID:   g.eventID(ts),
		Timestamp: ts,
		Source:    ptr(gen.EventSourceEdge),
		URL:       ptr(sites[g.rnd.IntN(len(sites))] + sitePaths[g.rnd.IntN(len(sitePaths))]),
		IPInfo:    &gen.IPInfo{V4: ipInfoV4(p, fmt.Sprintf("%s%d", p.v4Net, 1+g.rnd.IntN(254)))},
	}
	if g.chance(0.35) {
		b := knownBots[g.rnd.IntN(len(knownBots))]
		ev.BotInfo = botInfo(b.category, b.provider, b.providerURL, b.name, b.identity, b.confidence)
	}
	g.networkSignals(&ev, p, false)
	ev.IPAddress = nil
	ev.ProxyMLScore, ev.VPNMLScore, ev.VPNOriginCountry, ev.VPNOriginTimezone = nil, nil, nil, nil
	ev.IPBlocklist = nil
	return fingerprint.Event{Event: ev}
}

func (g *Generator) randomTime() int64 {
	const window = 6 * 24 * time.Hour
	return g.now.Add(-time.Duration(g.rnd.Int64N(int64(window)))).UnixMilli()
}

func (g *Generator) chance(p float64) bool { return g.rnd.Float64() < p }

func (g *Generator) score(lo, hi float64) float64 {
	return float64(int((lo+g.rnd.Float64()*(hi-lo))*10000)) / 10000
}

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

func (g *Generator) token(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alnum[g.rnd.IntN(len(alnum))]
	}
	return string(b)
}

func (g *Generator) hex(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[g.rnd.IntN(16)]
	}
	return string(b)
}

// eventID returns a unique ID in the API's format: "<unix ms>.<6 characters>".
func (g *Generator) eventID(ts int64) string {
	for {
		id := fmt.Sprintf("%d.%s", ts, g.token(6))
		if !g.issued[id] {
			g.issued[id] = true
			return id
		}
	}
}

// pickVisitor returns a returning visitor most of the time, else a new one.
func (g *Generator) pickVisitor(ts int64) *visitor {
	if len(g.visitors) > 0 && g.chance(0.7) {
		return g.visitors[g.rnd.IntN(len(g.visitors))]
	}
	v := &visitor{
		id:           g.token(20),
		highRecallID: g.token(20) + "_hr",
		place:        places[g.rnd.IntN(len(places))],
		ipLast:       1 + g.rnd.IntN(254),
		firstSeen:    ts - g.rnd.Int64N(int64(30*24*time.Hour/time.Millisecond)),
		bad:          g.chance(0.1),
	}
	switch x := g.rnd.Float64(); {
	case x < 0.8:
		v.platform = gen.SDKPlatformJS
		v.browser = browsers[g.rnd.IntN(len(browsers)-3)] // desktop browsers
		if v.bad && g.chance(0.6) {
			v.browser = browsers[len(browsers)-1] // headless
		}
	case x < 0.9:
		v.platform = gen.SDKPlatformAndroid
		v.browser = browsers[len(browsers)-2]
	default:
		v.platform = gen.SDKPlatformIOS
		v.browser = browsers[len(browsers)-3]
	}
	if g.chance(0.6) {
		v.linkedID = "user_" + g.token(8)
	}
	v.environment = "ae_" + g.hex(16)
	g.visitors = append(g.visitors, v)
	return v
}

func (g *Generator) event(ts int64) gen.Event { return g.eventFor(g.pickVisitor(ts), ts) }

// eventFor returns a device event of visitor v at ts (Unix ms).
func (g *Generator) eventFor(v *visitor, ts int64) gen.Event {
	b := v.browser
	ip := fmt.Sprintf("%s%d", v.place.v4Net, v.ipLast)
	if g.chance(0.1) {
		ip = fmt.Sprintf("%s%d", v.place.v4Net, 1+g.rnd.IntN(254))
	}
	ev := gen.Event{
		EventID:                         g.eventID(ts),
		Timestamp:                       ts,
		Source:                          ptr(gen.EventSourceDevice),
		IncrementalIdentificationStatus: ptr(gen.IncrementalIdentificationStatusCompleted),
		EnvironmentID:                   ptr(v.environment),
		IPAddress:                       ptr(ip),
		UserAgent:                       ptr(b.ua),
		Device:                          ptr(b.device),
		OS:                              ptr(b.os),
		OSVersion:                       ptr(b.osVersion),
		BrowserDetails: &gen.BrowserDetails{
			BrowserName: b.name, BrowserMajorVersion: b.major, BrowserFullVersion: b.full,
			OS: b.os, OSVersion: b.osVersion, Device: b.device,
		},
		Identification: &gen.Identification{
			VisitorID:    v.id,
			VisitorFound: v.firstSeen < ts,
			Confidence:   &gen.IdentificationConfidence{Score: g.score(0.9, 1), Version: ptr("1.1")},
			FirstSeenAt:  ptr(v.firstSeen),
			LastSeenAt:   ptr(ts),
		},
		SupplementaryIDHighRecall: &gen.SupplementaryIDHighRecall{
			VisitorID: v.highRecallID, VisitorFound: true,
			Confidence:  &gen.IdentificationConfidence{Score: g.score(0.95, 1), Version: ptr("1.1")},
			FirstSeenAt: ptr(v.firstSeen), LastSeenAt: ptr(ts),
		},
		Replayed: ptr(false),
		IPInfo:   &gen.IPInfo{V4: ipInfoV4(v.place, ip)},
		Velocity: g.velocity(v.bad),
		Tags:     &gen.Tags{},
	}
	ev.HighActivityDevice = ptr(v.bad && g.chance(0.5))
	if v.linkedID != "" {
		ev.LinkedID = ptr(v.linkedID)
	}
	if g.chance(0.3) {
		ev.Tags = &gen.Tags{"page": "checkout", "cart_items": float64(1 + g.rnd.IntN(5))}
	}
	switch v.platform {
	case gen.SDKPlatformJS:
		g.browserSignals(&ev, v)
	default:
		g.mobileSignals(&ev, v)
	}
	g.networkSignals(&ev, v.place, v.bad)
	ev.SuspectScore = ptr(suspectScore(&ev))
	if ev.SuspectScore != nil && *ev.SuspectScore >= 10 && g.chance(0.5) {
		r := rules[g.rnd.IntN(len(rules))]
		ev.TriggeredBy = &gen.TriggeredBy{{ID: r.id, Name: r.name, Description: r.description}}
	}
	return ev
}
