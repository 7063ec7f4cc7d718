package fingerprinttest

import (
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/gen"
)

func search(t *testing.T, srv *Server, query string) fingerprint.EventSearch {
	t.Helper()
	return decode[fingerprint.EventSearch](t, call(t, srv, "GET", "/events?"+query, nil))
}

func TestSearchDefaults(t *testing.T) {
	var evs []fingerprint.Event
	for i := range 15 {
		evs = append(evs, at(fmt.Sprintf("e%02d", i), i*60)) // e00 newest
	}
	evs = append(evs,
		at("old", int((7*24*time.Hour+time.Minute)/time.Minute)), // just outside the window
		at("future", -5), // after now: outside the default end
	)
	srv := NewServer(t, WithClock(fixedClock), WithEvents(evs...))

	res := search(t, srv, "")
	if got, want := ids(res.Events), []string{"e00", "e01", "e02", "e03", "e04", "e05", "e06", "e07", "e08", "e09"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("ids(res.Events) = %v, want %v", got, want)
	}
	if res.PaginationKey == nil {
		t.Fatalf("res.PaginationKey is nil")
	}
	if res.TotalHits != nil {
		t.Fatalf("res.TotalHits = %v, want nil", res.TotalHits)
	}

	res = search(t, srv, "reverse=true&limit=3")
	if got, want := ids(res.Events), []string{"e14", "e13", "e12"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("oldest first, limit after ordering: ids(res.Events) = %v, want %v", got, want)
	}

	// Setting start does not move the default end, and vice versa.
	start := fixedNow.Add(-8 * 24 * time.Hour).Format(time.RFC3339)
	res = search(t, srv, "limit=100&start="+url.QueryEscape(start))
	if got := len(res.Events); got != 16 {
		t.Fatalf("old event included, future still excluded: len(res.Events) = %d, want %d", got, 16)
	}
	if slices.Contains(ids(res.Events), "future") {
		t.Fatalf("ids(res.Events) = %q, must not contain %q", ids(res.Events), "future")
	}
	end := strconv.FormatInt(fixedNow.Add(time.Hour).UnixMilli(), 10)
	res = search(t, srv, "limit=100&end="+end)
	if got := len(res.Events); got != 16 {
		t.Fatalf("future included, old still excluded: len(res.Events) = %d, want %d", got, 16)
	}
	if slices.Contains(ids(res.Events), "old") {
		t.Fatalf("ids(res.Events) = %q, must not contain %q", ids(res.Events), "old")
	}
}

func TestSearchEmptyResultIsAnEmptyArray(t *testing.T) {
	srv := NewServer(t)
	r := call(t, srv, "GET", "/events", nil)
	sameJSON(t, "body", `{"events":[]}`, string(r.body))
}

func TestSearchPaginationAndTotalHits(t *testing.T) {
	var evs []fingerprint.Event
	for i := range 25 {
		ev := at(fmt.Sprintf("e%02d", i), i/3) // groups of three share a timestamp
		evs = append(evs, ev)
	}
	srv := NewServer(t, WithClock(fixedClock), WithEvents(evs...))

	for _, reverse := range []bool{false, true} {
		var seen []string
		key := ""
		pages := 0
		for {
			q := "limit=10&reverse=" + strconv.FormatBool(reverse)
			if key != "" {
				q += "&pagination_key=" + url.QueryEscape(key)
			}
			res := search(t, srv, q)
			pages++
			seen = append(seen, ids(res.Events)...)
			if res.PaginationKey == nil {
				break
			}
			key = *res.PaginationKey
		}
		if pages != 3 {
			t.Fatalf("pages = %v, want %v", pages, 3)
		}
		if got := len(seen); got != 25 {
			t.Fatalf("len(seen) = %d, want %d", got, 25)
		}
		for i := 1; i < len(seen); i++ {
			a, _ := srv.Event(seen[i-1])
			b, _ := srv.Event(seen[i])
			if !before(&a.Event, &b.Event, reverse) {
				t.Fatalf("%s before %s (reverse=%v): before(&a.Event, &b.Event, reverse) is false, want true", seen[i-1], seen[i], reverse)
			}
		}
	}

	if got := *search(t, srv, "total_hits=5").TotalHits; got != int64(5) {
		t.Fatalf("capped by the requested value: *search(t, srv, \"total_hits=5\").TotalHits = %v, want %v", got, int64(5))
	}
	if got := *search(t, srv, "total_hits=1000").TotalHits; got != int64(25) {
		t.Fatalf("*search(t, srv, \"total_hits=1000\").TotalHits = %v, want %v", got, int64(25))
	}
	if got := *search(t, srv, "total_hits=1000&limit=1&end="+strconv.FormatInt(evs[2].Timestamp, 10)+"&start="+strconv.FormatInt(evs[0].Timestamp, 10)).TotalHits; got != int64(3) {
		t.Fatalf("*search = %v, want %v", got, int64(3))
	}

	wantError(t, call(t, srv, "GET", "/events?pagination_key=not-a-key", nil), http.StatusBadRequest, gen.ErrorCodeRequestCannotBeParsed, "invalid pagination key")
}

func TestSearchInvalidParameters(t *testing.T) {
	srv := NewServer(t)
	for q, msg := range map[string]string{
		"limit=0":                                "invalid limit",
		"limit=101":                              "invalid limit",
		"limit=ten":                              "invalid limit",
		"start=yesterday":                        "invalid start time",
		"end=2026-13-01T00:00:00Z":               "invalid end time",
		"reverse=maybe":                          "invalid reverse param",
		"bot=evil":                               "invalid bot type",
		"ip_address=300.1.1.1":                   "invalid ip address",
		"ip_address=10.0.0.0/99":                 "invalid ip address",
		"bot_info_category=robot":                "",
		"bot_info_category=ai_agent,ai_bot":      "",
		"source=device":                          "",
		"source=edge&source=edge":                "",
		"total_hits=0":                           "",
		"total_hits=1001":                        "",
		"vpn_confidence=certain":                 "",
		"sdk_platform=windows":                   "",
		"rare_device_percentile_bucket=p1":       "",
		"min_suspect_score=high":                 "",
		"vpn=yes":                                "",
		"incremental_identification_status=done": "",
	} {
		t.Run(q, func(t *testing.T) {
			wantError(t, call(t, srv, "GET", "/events?"+q, nil), http.StatusBadRequest, gen.ErrorCodeRequestCannotBeParsed, msg)
		})
	}
}

func TestSearchUnknownVisitorIs404(t *testing.T) {
	ev := at("e1", 1)
	ev.Identification = &gen.Identification{VisitorID: "known"}
	srv := NewServer(t, WithClock(fixedClock), WithEvents(ev))
	wantError(t, call(t, srv, "GET", "/events?visitor_id=unknown", nil), http.StatusNotFound, gen.ErrorCodeVisitorNotFound, "")
	if got, want := ids(search(t, srv, "visitor_id=known").Events), []string{"e1"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("ids(search(t, srv, \"visitor_id=known\").Events) = %v, want %v", got, want)
	}
}

// TestSearchFilters checks every filter of the spec against hand-made events:
// "yes" has the signal set to its matching value, "no" to another value, "none"
// lacks it.
func TestSearchFilters(t *testing.T) {
	type build func(ev *gen.Event, match bool)
	boolSignal := func(set func(*gen.Event, bool)) build {
		return func(ev *gen.Event, match bool) { set(ev, match) }
	}
	cases := []struct {
		query string
		set   build
	}{
		{"suspect=true", boolSignal(func(e *gen.Event, v bool) { e.Suspect = &v })},
		{"vpn=true", boolSignal(func(e *gen.Event, v bool) { e.VPN = &v })},
		{"virtual_machine=true", boolSignal(func(e *gen.Event, v bool) { e.VirtualMachine = &v })},
		{"tampering=true", boolSignal(func(e *gen.Event, v bool) { e.Tampering = &v })},
		{"anti_detect_browser=true", boolSignal(func(e *gen.Event, v bool) { e.TamperingDetails = &gen.TamperingDetails{AntiDetectBrowser: &v} })},
		{"incognito=true", boolSignal(func(e *gen.Event, v bool) { e.Incognito = &v })},
		{"privacy_settings=true", boolSignal(func(e *gen.Event, v bool) { e.PrivacySettings = &v })},
		{"jailbroken=true", boolSignal(func(e *gen.Event, v bool) { e.Jailbroken = &v })},
		{"frida=true", boolSignal(func(e *gen.Event, v bool) { e.Frida = &v })},
		{"factory_reset=true", boolSignal(func(e *gen.Event, v bool) {
			ts := int64(0)
			if v {
				ts = 1700000000000
			}
			e.FactoryResetTimestamp = &ts
		})},
		{"cloned_app=true", boolSignal(func(e *gen.Event, v bool) { e.ClonedApp = &v })},
		{"emulator=true", boolSignal(func(e *gen.Event, v bool) { e.Emulator = &v })},
		{"root_apps=true", boolSignal(func(e *gen.Event, v bool) { e.RootApps = &v })},
		{"developer_tools=true", boolSignal(func(e *gen.Event, v bool) { e.DeveloperTools = &v })},
		{"location_spoofing=true", boolSignal(func(e *gen.Event, v bool) { e.LocationSpoofing = &v })},
		{"mitm_attack=true", boolSignal(func(e *gen.Event, v bool) { e.MITMAttack = &v })},
		{"rare_device=true", boolSignal(func(e *gen.Event, v bool) { e.RareDevice = &v })},
		{"proxy=true", boolSignal(func(e *gen.Event, v bool) { e.Proxy = &v })},
		{"tor_node=true", boolSignal(func(e *gen.Event, v bool) { e.IPBlocklist = &gen.IPBlocklist{TorNode: &v} })},
		{"simulator=true", boolSignal(func(e *gen.Event, v bool) { e.Simulator = &v })},
		{"active_call=true", boolSignal(func(e *gen.Event, v bool) { e.ActiveCall = &v })},
		// false is a value too: it must not match events lacking the signal.
		{"vpn=false", boolSignal(func(e *gen.Event, v bool) { nv := !v; e.VPN = &nv })},
		{"visitor_id=V1", func(e *gen.Event, m bool) { e.Identification = &gen.Identification{VisitorID: pick(m, "V1", "V2")} }},
		{"high_recall_id=H1", func(e *gen.Event, m bool) {
			e.SupplementaryIDHighRecall = &gen.SupplementaryIDHighRecall{VisitorID: pick(m, "H1", "H2")}
		}},
		{"linked_id=acct-1", func(e *gen.Event, m bool) { e.LinkedID = ptr(pick(m, "acct-1", "acct-2")) }},
		{"url=" + url.QueryEscape("https://a.example/login?x=1"), func(e *gen.Event, m bool) {
			e.URL = ptr(pick(m, "https://a.example/login?x=1", "https://a.example/login"))
		}},
		{"origin=" + url.QueryEscape("https://a.example"), func(e *gen.Event, m bool) {
			e.URL = ptr(pick(m, "https://a.example/cart", "https://b.example/cart"))
		}},
		{"bundle_id=com.a", func(e *gen.Event, m bool) { e.BundleID = ptr(pick(m, "com.a", "com.b")) }},
		{"package_name=com.a", func(e *gen.Event, m bool) { e.PackageName = ptr(pick(m, "com.a", "com.b")) }},
		{"sdk_version=3.12.4", func(e *gen.Event, m bool) { e.SDK = &gen.SDK{Platform: "js", Version: pick(m, "3.12.4", "3.12.5")} }},
		{"sdk_platform=ios", func(e *gen.Event, m bool) {
			e.SDK = &gen.SDK{Platform: gen.SDKPlatform(pick(m, "ios", "android")), Version: "1"}
		}},
		{"proximity_id=P1", func(e *gen.Event, m bool) { e.Proximity = &gen.Proximity{ID: pick(m, "P1", "P2"), PrecisionRadius: 10} }},
		{"vpn_confidence=medium", func(e *gen.Event, m bool) { e.VPNConfidence = ptr(gen.VPNConfidence(pick(m, "medium", "high"))) }},
		{"rare_device_percentile_bucket=" + url.QueryEscape("p99.9+"), func(e *gen.Event, m bool) {
			e.RareDevicePercentileBucket = ptr(gen.RareDevicePercentileBucket(pick(m, "p99.9+", "<p95")))
		}},
		{"incremental_identification_status=partially_completed", func(e *gen.Event, m bool) {
			e.IncrementalIdentificationStatus = ptr(gen.IncrementalIdentificationStatus(pick(m, "partially_completed", "completed")))
		}},
		{"environment=env_a&environment=env_b", func(e *gen.Event, m bool) { e.EnvironmentID = ptr(pick(m, "env_b", "env_c")) }},
		{"asn=64501", func(e *gen.Event, m bool) {
			e.IPInfo = &gen.IPInfo{V6: &gen.IPInfoV6{Address: "2001:db8::1", ASN: ptr(pick(m, "64501", "64502"))}}
		}},
		{"ip_address=192.0.2.7", func(e *gen.Event, m bool) { e.IPAddress = ptr(pick(m, "192.0.2.7", "192.0.2.8")) }},
		{"ip_address=" + url.QueryEscape("198.51.100.0/24"), func(e *gen.Event, m bool) { e.IPAddress = ptr(pick(m, "198.51.100.200", "198.51.101.1")) }},
		{"ip_address=" + url.QueryEscape("2001:db8::/32"), func(e *gen.Event, m bool) { e.IPAddress = ptr(pick(m, "2001:db8:1::5", "2001:db9::5")) }},
		{"min_suspect_score=7.5", func(e *gen.Event, m bool) { e.SuspectScore = ptr(pickInt(m, 8, 7)) }},
		{"bot=all", func(e *gen.Event, m bool) { e.Bot = ptr(gen.BotResult(pick(m, "good", "not_detected"))) }},
		{"bot=bad", func(e *gen.Event, m bool) { e.Bot = ptr(gen.BotResult(pick(m, "bad", "good"))) }},
		{"bot=good", func(e *gen.Event, m bool) { e.Bot = ptr(gen.BotResult(pick(m, "good", "bad"))) }},
		{"bot=none", func(e *gen.Event, m bool) { e.Bot = ptr(gen.BotResult(pick(m, "not_detected", "bad"))) }},
		{"bot_info_category=ai_agent&bot_info_category=ai_crawler", func(e *gen.Event, m bool) {
			e.BotInfo = bot(func(b *gen.BotInfo) { b.Category = gen.BotInfoCategory(pick(m, "ai_crawler", "scraping")) })
		}},
		{"bot_info_identity=signed", func(e *gen.Event, m bool) {
			e.BotInfo = bot(func(b *gen.BotInfo) { b.Identity = gen.BotInfoIdentity(pick(m, "signed", "spoofed")) })
		}},
		{"bot_info_confidence=high&bot_info_confidence=medium", func(e *gen.Event, m bool) {
			e.BotInfo = bot(func(b *gen.BotInfo) { b.Confidence = gen.BotInfoConfidence(pick(m, "medium", "low")) })
		}},
		{"bot_info_provider=OpenAI", func(e *gen.Event, m bool) {
			e.BotInfo = bot(func(b *gen.BotInfo) { b.Provider = pick(m, "OpenAI", "openai") })
		}},
		{"bot_info_name=" + url.QueryEscape("ChatGPT Agent"), func(e *gen.Event, m bool) {
			e.BotInfo = bot(func(b *gen.BotInfo) { b.Name = pick(m, "ChatGPT Agent", "ChatGPT") })
		}},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			yes, no, none := at("yes", 1), at("no", 2), at("none", 3)
			c.set(&yes.Event, true)
			c.set(&no.Event, false)
			srv := NewServer(t, WithClock(fixedClock), WithEvents(yes, no, none))
			if got, want := ids(search(t, srv, c.query).Events), []string{"yes"}; !reflect.DeepEqual(got, want) {
				t.Fatalf("ids(search(t, srv, c.query).Events) = %v, want %v", got, want)
			}
		})
	}

	t.Run("bot_info=all/none", func(t *testing.T) {
		with, without := at("with", 1), at("without", 2)
		with.BotInfo = bot(func(*gen.BotInfo) {})
		srv := NewServer(t, WithClock(fixedClock), WithEvents(with, without))
		if got, want := ids(search(t, srv, "bot_info=all").Events), []string{"with"}; !reflect.DeepEqual(got, want) {
			t.Fatalf("ids(search(t, srv, \"bot_info=all\").Events) = %v, want %v", got, want)
		}
		if got, want := ids(search(t, srv, "bot_info=none").Events), []string{"without"}; !reflect.DeepEqual(got, want) {
			t.Fatalf("ids(search(t, srv, \"bot_info=none\").Events) = %v, want %v", got, want)
		}
	})

	t.Run("source", func(t *testing.T) {
		dev, implicit, edge := at("device", 1), at("implicit", 2), at("edge", 3)
		dev.Source = ptr(gen.EventSourceDevice)
		edge.Source = ptr(gen.EventSourceEdge)
		srv := NewServer(t, WithClock(fixedClock), WithEvents(dev, implicit, edge))
		if got, want := ids(search(t, srv, "").Events), []string{"device", "implicit"}; !reflect.DeepEqual(got, want) {
			t.Fatalf("ids(search(t, srv, \"\").Events) = %v, want %v", got, want)
		}
		if got, want := ids(search(t, srv, "source=edge").Events), []string{"edge"}; !reflect.DeepEqual(got, want) {
			t.Fatalf("ids(search(t, srv, \"source=edge\").Events) = %v, want %v", got, want)
		}
	})

	t.Run("filters combine", func(t *testing.T) {
		a, b, c := at("a", 1), at("b", 2), at("c", 3)
		a.VPN, b.VPN, c.VPN = ptr(true), ptr(true), ptr(false)
		a.LinkedID, b.LinkedID, c.LinkedID = ptr("x"), ptr("y"), ptr("x")
		srv := NewServer(t, WithClock(fixedClock), WithEvents(a, b, c))
		if got, want := ids(search(t, srv, "vpn=true&linked_id=x").Events), []string{"a"}; !reflect.DeepEqual(got, want) {
			t.Fatalf("ids(search(t, srv, \"vpn=true&linked_id=x\").Events) = %v, want %v", got, want)
		}
	})
}

func pick(match bool, yes, no string) string {
	if match {
		return yes
	}
	return no
}

func pickInt(match bool, yes, no int) int {
	if match {
		return yes
	}
	return no
}

// bot returns a valid bot_info, changed by set.
func bot(set func(*gen.BotInfo)) *gen.BotInfo {
	b := &gen.BotInfo{Category: "ai_agent", Provider: "Example", Name: "ExampleBot", Identity: "unknown", Confidence: "low"}
	set(b)
	return b
}
