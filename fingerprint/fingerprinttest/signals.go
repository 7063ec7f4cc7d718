package fingerprinttest

import (
	"fmt"
	"hash/fnv"
	"strings"

	"github.com/fpgo/fingerprint-go/gen"
)

// browserSignals fills the Smart Signals of a web (JS agent) event.
func (g *Generator) browserSignals(ev *gen.Event, v *visitor) {
	site := sites[hash(v.id)%uint64(len(sites))]
	ev.URL = ptr(site + sitePaths[g.rnd.IntN(len(sitePaths))])
	ev.ClientReferrer = ptr("https://www.example.com/")
	ev.SDK = &gen.SDK{Platform: gen.SDKPlatformJS, Version: "3.12.4"}
	headless := strings.HasPrefix(v.browser.name, "Headless")
	switch {
	case v.bad && headless:
		ev.Bot = ptr(gen.BotResultBad)
		ev.BotType = ptr("headlessChrome")
		b := knownBots[5]
		ev.BotInfo = botInfo(b.category, b.provider, b.providerURL, b.name, b.identity, b.confidence)
	case g.chance(0.04):
		ev.Bot = ptr(gen.BotResultGood)
		b := knownBots[g.rnd.IntN(4)]
		ev.BotInfo = botInfo(b.category, b.provider, b.providerURL, b.name, b.identity, b.confidence)
	default:
		ev.Bot = ptr(gen.BotResultNotDetected)
	}
	ev.Incognito = ptr(g.chance(0.2))
	ev.PrivacySettings = ptr(g.chance(0.08))
	ev.DeveloperTools = ptr(g.chance(0.05) || v.bad && g.chance(0.5))
	ev.VirtualMachine = ptr(v.bad && g.chance(0.3) || g.chance(0.02))
	ev.VirtualMachineMLScore = ptr(g.score(0, 0.2))
	if *ev.VirtualMachine {
		ev.VirtualMachineMLScore = ptr(g.score(0.7, 1))
	}
	tampering := v.bad && g.chance(0.4) || g.chance(0.03)
	ev.Tampering = ptr(tampering)
	ev.TamperingConfidence = ptr(gen.TamperingConfidenceHigh)
	ev.TamperingMLScore = ptr(g.score(0, 0.2))
	ev.TamperingDetails = &gen.TamperingDetails{AnomalyScore: ptr(g.score(0, 0.3)), AntiDetectBrowser: ptr(false)}
	if tampering {
		ev.TamperingMLScore = ptr(g.score(0.8, 1))
		ev.TamperingDetails = &gen.TamperingDetails{AnomalyScore: ptr(g.score(0.6, 1)), AntiDetectBrowser: ptr(g.chance(0.5))}
	}
	ev.RareDevice = ptr(g.chance(0.05))
	ev.RareDevicePercentileBucket = ptr(gen.RareDevicePercentileBucketLessThanP95)
	if *ev.RareDevice {
		ev.RareDevicePercentileBucket = ptr(gen.RareDevicePercentileBucketP999Plus)
	}
	ev.RawDeviceAttributes = g.rawAttributes(v)
}

// mobileSignals fills the Smart Signals of an Android or iOS SDK event.
func (g *Generator) mobileSignals(ev *gen.Event, v *visitor) {
	ev.SDK = &gen.SDK{Platform: v.platform, Version: "2.9.0"}
	ev.FactoryResetTimestamp = ptr(int64(0))
	if g.chance(0.03) {
		ev.FactoryResetTimestamp = ptr(v.firstSeen)
	}
	ev.Frida = ptr(v.bad && g.chance(0.3) || g.chance(0.01))
	ev.LocationSpoofing = ptr(v.bad && g.chance(0.3) || g.chance(0.02))
	ev.MITMAttack = ptr(g.chance(0.01))
	ev.ActiveCall = ptr(g.chance(0.05))
	ev.Proximity = &gen.Proximity{ID: g.token(11), PrecisionRadius: gen.ProximityPrecisionRadiusN65, Confidence: 0.95}
	ev.DeviceDetails = deviceDetails(v)
	if v.platform == gen.SDKPlatformAndroid {
		ev.PackageName = ptr("com.example.shop")
		ev.Emulator = ptr(v.bad && g.chance(0.5) || g.chance(0.02))
		ev.RootApps = ptr(v.bad && g.chance(0.4) || g.chance(0.03))
		ev.ClonedApp = ptr(g.chance(0.02))
		ev.Tampering = ptr(v.bad && g.chance(0.3))
		return
	}
	ev.BundleID = ptr("com.example.shop")
	ev.Jailbroken = ptr(v.bad && g.chance(0.4) || g.chance(0.02))
	ev.Simulator = ptr(v.bad && g.chance(0.3) || g.chance(0.01))
}

// networkSignals fills the IP-derived signals (VPN, proxy, blocklists).
func (g *Generator) networkSignals(ev *gen.Event, p place, bad bool) {
	vpn := g.chance(0.1) || bad && g.chance(0.4)
	ev.VPN = ptr(vpn)
	ev.VPNConfidence = ptr(gen.VPNConfidenceHigh)
	ev.VPNMLScore = ptr(g.score(0, 0.2))
	ev.VPNMethods = &gen.VPNMethods{
		TimezoneMismatch: ptr(false), PublicVPN: ptr(false), AuxiliaryMobile: ptr(false),
		OSMismatch: ptr(false), Relay: ptr(false), MLPrediction: ptr(false),
	}
	ev.VPNOriginTimezone = ptr(p.tz)
	ev.VPNOriginCountry = ptr("unknown")
	if vpn {
		ev.VPNConfidence = ptr([]gen.VPNConfidence{gen.VPNConfidenceLow, gen.VPNConfidenceMedium, gen.VPNConfidenceHigh}[g.rnd.IntN(3)])
		ev.VPNMLScore = ptr(g.score(0.6, 1))
		ev.VPNMethods.TimezoneMismatch = ptr(g.chance(0.6))
		ev.VPNMethods.PublicVPN = ptr(g.chance(0.7))
		other := places[g.rnd.IntN(len(places))]
		ev.VPNOriginTimezone, ev.VPNOriginCountry = ptr(other.tz), ptr(other.country)
	}
	proxy := g.chance(0.05) || bad && g.chance(0.3)
	ev.Proxy = ptr(proxy)
	ev.ProxyConfidence = ptr(gen.ProxyConfidenceHigh)
	ev.ProxyMLScore = ptr(g.score(0, 0.2))
	if proxy {
		ev.ProxyConfidence = ptr(gen.ProxyConfidenceMedium)
		ev.ProxyMLScore = ptr(g.score(0.6, 1))
		ev.ProxyDetails = &gen.ProxyDetails{
			ProxyType:  gen.ProxyDetailsProxyTypeResidential,
			LastSeenAt: ptr(ev.Timestamp - g.rnd.Int64N(86_400_000)),
			Provider:   ptr(proxyProviders[g.rnd.IntN(len(proxyProviders))]),
		}
	}
	ev.IPBlocklist = &gen.IPBlocklist{
		EmailSpam:    ptr(bad && g.chance(0.2)),
		AttackSource: ptr(bad && g.chance(0.2)),
		TorNode:      ptr(g.chance(0.01) || bad && g.chance(0.1)),
	}
}

func (g *Generator) velocity(bad bool) *gen.Velocity {
	scale := 1
	if bad {
		scale = 8
	}
	d := func(base int) *gen.VelocityData {
		m5 := 1 + g.rnd.IntN(base*scale)
		h1 := m5 + g.rnd.IntN(base*scale*2)
		return &gen.VelocityData{N5Minutes: m5, N1Hour: h1, N24Hours: ptr(h1 + g.rnd.IntN(base*scale*4))}
	}
	return &gen.Velocity{
		DistinctIP: d(1), DistinctLinkedID: d(1), DistinctCountry: d(1), Events: d(3),
		IPEvents: d(3), DistinctIPByLinkedID: d(1), DistinctVisitorIDByLinkedID: d(1),
	}
}

func (g *Generator) rawAttributes(v *visitor) *gen.RawDeviceAttributes {
	fonts := make([]string, 0, 12)
	for _, f := range fontNames {
		if hash(v.id+f)%3 != 0 {
			fonts = append(fonts, f)
		}
	}
	seed := fmt.Sprintf("%x", hash(v.id))
	md5ish := func(salt string) *string { return ptr(fmt.Sprintf("%016x%016x", hash(seed+salt), hash(salt+seed))) }
	return &gen.RawDeviceAttributes{
		Fonts:               &fonts,
		FontHash:            md5ish("fonts"),
		Math:                md5ish("math"),
		Audio:               ptr(124.04347527516074),
		Canvas:              &gen.Canvas{Winding: ptr(true), Geometry: md5ish("geometry"), Text: md5ish("text")},
		Languages:           &gen.Languages{{v.place.lang}},
		Timezone:            ptr(v.place.tz),
		ScreenResolution:    &gen.ScreenResolution{1920, 1080},
		ColorDepth:          ptr(int32(24)),
		HardwareConcurrency: ptr(int32(8)),
		DeviceMemory:        ptr(int32(8)),
		Platform:            ptr(v.browser.platform),
		Vendor:              ptr(v.browser.vendor),
		CookiesEnabled:      ptr(true),
		LocalStorage:        ptr(true),
		SessionStorage:      ptr(true),
		IndexedDB:           ptr(true),
		TouchSupport:        &gen.TouchSupport{MaxTouchPoints: ptr(int64(0)), TouchEvent: ptr(false), TouchStart: ptr(false)},
		WebGLBasics: &gen.WebGLBasics{
			Version: ptr("WebGL 1.0 (OpenGL ES 2.0 Chromium)"), Vendor: ptr("WebKit"), VendorUnmasked: ptr("Google Inc. (Intel)"),
			Renderer: ptr("WebKit WebGL"), RendererUnmasked: ptr("ANGLE (Intel, Intel(R) UHD Graphics 630, OpenGL 4.1)"),
			ShadingLanguageVersion: ptr("WebGL GLSL ES 1.0 (OpenGL ES GLSL ES 1.0 Chromium)"),
		},
	}
}

// suspectScore adds up weights of the risky signals, like the real score does.
func suspectScore(ev *gen.Event) int {
	weights := []struct {
		set    *bool
		weight int
	}{
		{ev.VPN, 5}, {ev.Proxy, 7}, {ev.Tampering, 7}, {ev.Incognito, 2}, {ev.DeveloperTools, 2},
		{ev.VirtualMachine, 6}, {ev.PrivacySettings, 3}, {ev.Frida, 15}, {ev.Emulator, 8},
		{ev.RootApps, 5}, {ev.Jailbroken, 5}, {ev.Simulator, 8}, {ev.LocationSpoofing, 5},
		{ev.MITMAttack, 8}, {ev.ClonedApp, 4}, {ev.HighActivityDevice, 4},
	}
	score := 0
	for _, w := range weights {
		if w.set != nil && *w.set {
			score += w.weight
		}
	}
	if ev.Bot != nil && *ev.Bot == gen.BotResultBad {
		score += 15
	}
	if ev.IPBlocklist != nil && ev.IPBlocklist.TorNode != nil && *ev.IPBlocklist.TorNode {
		score += 10
	}
	return score
}

func ipInfoV4(p place, addr string) *gen.IPInfoV4 {
	info := &gen.IPInfoV4{
		Address: addr,
		Geolocation: &gen.Geolocation{
			AccuracyRadius: ptr(20), Latitude: ptr(p.lat), Longitude: ptr(p.lon),
			PostalCode: ptr(p.postal), Timezone: ptr(p.tz), CityName: ptr(p.city),
			CountryCode: ptr(p.country), CountryName: ptr(p.countryName),
			ContinentCode: ptr(p.continent), ContinentName: ptr(p.continentName),
			Subdivisions: &[]gen.GeolocationSubdivision{{IsoCode: p.subCode, Name: p.subName}},
		},
		ASN: ptr(p.asn), ASNName: ptr(p.asnName), ASNNetwork: ptr(p.v4Net + "0/24"), ASNType: ptr(p.asnType),
		DatacenterResult: ptr(p.asnType == "hosting"),
	}
	if p.asnType == "hosting" {
		info.DatacenterName = ptr(p.asnName)
	}
	return info
}

func ipInfoV6(p place, addr string) *gen.IPInfoV6 {
	v4 := ipInfoV4(p, "")
	return &gen.IPInfoV6{
		Address: addr, Geolocation: v4.Geolocation, ASN: v4.ASN, ASNName: v4.ASNName,
		ASNNetwork: ptr("2001:db8::/32"), ASNType: v4.ASNType, DatacenterResult: v4.DatacenterResult,
		DatacenterName: v4.DatacenterName,
	}
}

func botInfo(category, provider, providerURL, name, identity, confidence string) *gen.BotInfo {
	b := &gen.BotInfo{
		Category: gen.BotInfoCategory(category), Provider: provider, Name: name,
		Identity: gen.BotInfoIdentity(identity), Confidence: gen.BotInfoConfidence(confidence),
	}
	if providerURL != "" {
		b.ProviderURL = ptr(providerURL)
	}
	return b
}

func hash(s string) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(s))
	return h.Sum64()
}

// deviceDetails returns the device_details of a mobile visitor: the same device on every
// event of the visitor, picked by a hash of its ID so the generator's random sequence
// (and with it every other generated value) stays as it was before this signal existed.
func deviceDetails(v *visitor) *gen.DeviceDetails {
	devices := androidDevices
	if v.platform == gen.SDKPlatformIOS {
		devices = iosDevices
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(v.id))
	d := devices[int(h.Sum32()%uint32(len(devices)))] //nolint:gosec // G115: len of a short constant table
	return &gen.DeviceDetails{DeviceManufacturer: ptr(d.manufacturer), DeviceModel: ptr(d.model), OSVersion: ptr(d.osVersion)}
}
