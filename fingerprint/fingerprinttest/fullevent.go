package fingerprinttest

import (
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/gen"
)

// fullEventTime is the fixed clock of FullEvent, so its JSON never changes.
var fullEventTime = time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)

// FullEvent returns a deterministic device event in which every field of the Event
// model is present, including all Smart Signals, both IP versions, raw device
// attributes, a rule action and labels (about 8 KB of JSON). Real events never carry
// browser and mobile signals together; this one exists to exercise decoders, encoders
// and benchmarks. Its timestamp is fixed (2026-01-15T12:00:00Z); set Timestamp to make
// it fall into a search window.
func FullEvent() fingerprint.Event {
	g := NewGenerator(42)
	g.SetNow(fullEventTime)
	g.mu.Lock()
	defer g.mu.Unlock()
	v := &visitor{
		id: "Xk3pR8vQ2mN7bL5tY9wZ", highRecallID: "Hq4sT6uV8wX0yZ2aB4cD_hr", platform: gen.SDKPlatformJS,
		browser: browsers[0], place: places[1], ipLast: 42, firstSeen: fullEventTime.Add(-20 * 24 * time.Hour).UnixMilli(),
		linkedID: "user_4f9c2a71", environment: "ae_5c1f0e9a2b7d4c83", bad: true,
	}
	ts := fullEventTime.UnixMilli()
	ev := g.eventFor(v, ts)
	ev.Tags = &gen.Tags{"order_id": "ord_10492", "cart_total": 129.9, "campaign": "spring_sale"}
	ev.Suspect = ptr(true)
	ev.ClientReferrer = ptr("https://www.example.com/blog/fingerprinting")

	// Mobile-only signals, so that every field is present.
	ev.BundleID = ptr("com.example.shop")
	ev.PackageName = ptr("com.example.shop")
	ev.ActiveCall, ev.ClonedApp, ev.Emulator, ev.Frida = ptr(false), ptr(false), ptr(false), ptr(false)
	ev.Jailbroken, ev.RootApps, ev.Simulator = ptr(false), ptr(false), ptr(false)
	ev.LocationSpoofing, ev.MITMAttack = ptr(false), ptr(false)
	ev.FactoryResetTimestamp = ptr(int64(0))
	ev.DeviceDetails = &gen.DeviceDetails{DeviceManufacturer: ptr("samsung"), DeviceModel: ptr("SM-S911B"), OSVersion: ptr("14")}
	ev.Proximity = &gen.Proximity{ID: "w1aTfd4MCvl", PrecisionRadius: gen.ProximityPrecisionRadiusN10, Confidence: 0.95}

	ev.Bot = ptr(gen.BotResultBad)
	ev.BotType = ptr("headlessChrome")
	b := knownBots[5]
	ev.BotInfo = botInfo(b.category, b.provider, b.providerURL, b.name, b.identity, b.confidence)
	ev.BotInfo.ProviderURL = ptr("https://www.example.com/bots")
	ev.SDK.Integrations = &[]gen.Integration{{
		Name: ptr("fingerprint-pro-react"), Version: ptr("2.7.1"),
		Subintegration: &gen.Subintegration{Name: ptr("next"), Version: ptr("15.3.0")},
	}}
	ev.IPInfo.V6 = ipInfoV6(v.place, "2001:db8:85a3::8a2e:370:7334")
	ev.IPInfo.V4.DatacenterName = ptr("")
	ev.IPInfo.V6.DatacenterName = ptr("")
	ev.ProxyDetails = &gen.ProxyDetails{ProxyType: gen.ProxyDetailsProxyTypeResidential, LastSeenAt: ptr(ts - 3_600_000), Provider: ptr(proxyProviders[0])}
	ev.TriggeredBy = &gen.TriggeredBy{{ID: rules[1].id, Name: rules[1].name, Description: rules[1].description}}
	ev.Labels = &gen.Labels{{Label: "account_takeover", Prediction: ptr(true), MLScore: ptr(0.87)}, {Label: "payment_fraud", Prediction: ptr(false), MLScore: ptr(0.12)}}
	var action gen.EventRuleAction
	_ = action.FromEventRuleActionBlock(gen.EventRuleActionBlock{
		Type: gen.RuleActionTypeBlock, StatusCode: ptr(403), Body: ptr("blocked"),
		Headers: &[]gen.RuleActionHeaderField{{Name: "Cache-Control", Value: "no-store"}},
	})
	action.RulesetID, action.RuleID, action.RuleExpression = "rs_default", ptr("r_bad_bot"), ptr("bot == \"bad\"")
	ev.RuleAction = &action
	ev.SuspectScore = ptr(suspectScore(&ev))

	raw := ev.RawDeviceAttributes
	raw.FontPreferences = &gen.FontPreferences{Default: ptr(149.3125), Serif: ptr(149.3125), Sans: ptr(144.015625), Mono: ptr(121.515625), Apple: ptr(149.3125), Min: ptr(9.34375), System: ptr(147.75)}
	raw.Emoji = &gen.Emoji{Font: ptr("Segoe UI Emoji"), Width: ptr(18.0), Height: ptr(24.0), Top: ptr(8.5), Bottom: ptr(32.5), Left: ptr(8.0), Right: ptr(26.0), X: ptr(8.0), Y: ptr(8.5)}
	raw.WebGLExtensions = &gen.WebGLExtensions{
		ContextAttributes: ptr("6b1ed336830d2bc96442a9d76373252a"), Parameters: ptr("ea118c48e308bc4b0677118bbb3019ec"),
		ShaderPrecisions: ptr("f223dfbcd580cf142da156d93790eb83"), Extensions: ptr("57233d7b10f89fcd1ff95e3837ccd72d"),
		ExtensionParameters: ptr("86a8abb36f0cb30b5946dec0c761d042"), UnsupportedExtensions: &[]string{"WEBGL_debug_renderer_info"},
	}
	raw.OSCPU = ptr("Windows NT 10.0; Win64; x64")
	raw.Architecture = ptr(int32(127))
	raw.DateTimeLocale = ptr("de-DE")
	var plugins gen.Plugins
	for _, name := range []string{"PDF Viewer", "Chrome PDF Viewer", "Chromium PDF Viewer", "Microsoft Edge PDF Viewer", "WebKit built-in PDF"} {
		plugins = append(plugins, gen.Plugin{
			Name: name, Description: ptr("Portable Document Format"),
			MimeTypes: &[]gen.PluginMimeType{
				{Type: ptr("application/pdf"), Suffixes: ptr("pdf"), Description: ptr("Portable Document Format")},
				{Type: ptr("text/pdf"), Suffixes: ptr("pdf"), Description: ptr("Portable Document Format")},
			},
		})
	}
	raw.Plugins = &plugins
	raw.Languages = &gen.Languages{{"de-DE"}, {"de-DE", "de", "en-US", "en"}}
	raw.DeviceModel = ptr("")
	raw.DeviceManufacturer = ptr("")
	raw.TimezoneOffset = ptr("+01:00")
	raw.BatteryLevel = ptr(int32(87))
	raw.BatteryCharging = ptr(true)
	raw.BatteryLowPowerMode = ptr(false)
	raw.KeyboardLayoutHash = ptr("2b3f0c1d")
	raw.KeyboardLayoutName = ptr("German")
	return fingerprint.Event{Event: ev}
}
