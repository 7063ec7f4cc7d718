package fingerprint

import (
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/fpgo/fingerprint-go/gen"
)

// Enum types of search filters that exist only as query parameters. The other enum
// filters use the type of the event field they filter (SDKPlatform, EventSource, ...).
type (
	// SearchEventsParamsBot filters by the bot detection result: all, good, bad or none.
	SearchEventsParamsBot = gen.SearchEventsParamsBot
	// SearchEventsParamsBotInfo filters by the presence of bot_info: all or none.
	SearchEventsParamsBotInfo = gen.SearchEventsParamsBotInfo
)

// Values of the search-only enum types.
const (
	SearchEventsParamsBotAll      = gen.SearchEventsParamsBotAll
	SearchEventsParamsBotGood     = gen.SearchEventsParamsBotGood
	SearchEventsParamsBotBad      = gen.SearchEventsParamsBotBad
	SearchEventsParamsBotNone     = gen.SearchEventsParamsBotNone
	SearchEventsParamsBotInfoAll  = gen.SearchEventsParamsBotInfoAll
	SearchEventsParamsBotInfoNone = gen.SearchEventsParamsBotInfoNone
)

// SearchEventsParams holds the filters and paging options of SearchEvents. Every field is
// optional: its zero value means "not set", so the API default applies. Tri-state filters
// are pointers (set them with Ptr). Enum values are not checked locally, so values added to
// the API later keep working; the server rejects unknown ones with 400.
//
// Field comments give the query parameter name.
type SearchEventsParams struct {
	// Limit is the page size, 1..100 (limit; the API default is 10).
	Limit int
	// PaginationKey continues a previous search (pagination_key): pass EventSearch.PaginationKey
	// back unchanged. SearchEventsIter does this for you.
	PaginationKey string
	// TotalHits, 1..1000, asks the API to count matching events up to this number (total_hits).
	TotalHits int
	// Reverse sorts the oldest events first (reverse).
	Reverse bool

	// Start is the lower bound of the event time (start); the API defaults to 7 days ago,
	// whether or not End is set. It is sent in RFC 3339 form, in UTC, rounded down to the
	// second so the window never shrinks.
	Start time.Time
	// End is the upper bound of the event time (end); the API defaults to now, whether or
	// not Start is set. It is sent in RFC 3339 form, in UTC, rounded up to the second so
	// the window never shrinks.
	End time.Time

	// VisitorID keeps events with this visitor ID (visitor_id).
	VisitorID string
	// HighRecallID keeps events with this High Recall ID (high_recall_id).
	HighRecallID string
	// LinkedID keeps events carrying this linked ID (linked_id).
	LinkedID string
	// IPAddress keeps events from this IP address or CIDR range, such as "10.0.0.0/24" (ip_address).
	IPAddress string
	// ASN keeps events whose IP address belongs to this autonomous system number (asn).
	ASN string
	// URL keeps events whose page URL matches this value (url).
	URL string
	// Origin keeps web events from this origin, such as "https://example.com" (origin).
	Origin string
	// BundleID keeps events from the iOS app with this bundle ID (bundle_id).
	BundleID string
	// PackageName keeps events from the Android app with this package name (package_name).
	PackageName string
	// ProximityID keeps events with this proximity ID (proximity_id).
	ProximityID string
	// SDKVersion keeps events collected with this SDK version, such as "3.11.14" (sdk_version).
	SDKVersion string
	// Environment keeps events from any of these environment IDs (environment, one key per value).
	Environment []string

	// Bot filters by the bot detection result: all, good, bad or none (bot).
	Bot SearchEventsParamsBot
	// BotInfo keeps events with identified bots (all) or without any (none) (bot_info).
	BotInfo SearchEventsParamsBotInfo
	// BotInfoCategory keeps events whose bot category is one of these (bot_info_category).
	BotInfoCategory []BotInfoCategory
	// BotInfoIdentity keeps events whose bot identity is one of these (bot_info_identity).
	BotInfoIdentity []BotInfoIdentity
	// BotInfoConfidence keeps events whose bot confidence is one of these (bot_info_confidence).
	BotInfoConfidence []BotInfoConfidence
	// BotInfoProvider keeps events whose bot provider exactly equals one of these (bot_info_provider).
	BotInfoProvider []string
	// BotInfoName keeps events whose bot name exactly equals one of these (bot_info_name).
	BotInfoName []string
	// VPNConfidence keeps events whose VPN detection has this confidence (vpn_confidence).
	VPNConfidence VPNConfidence
	// RareDevicePercentileBucket keeps events in this device rarity bucket
	// (rare_device_percentile_bucket; a beta signal).
	RareDevicePercentileBucket RareDevicePercentileBucket
	// SDKPlatform keeps events from this SDK platform: SDKPlatformJS, SDKPlatformAndroid
	// or SDKPlatformIOS (sdk_platform). Events can report SDKPlatformUnknown, but the API
	// does not accept it as a filter.
	SDKPlatform SDKPlatform
	// IncrementalIdentificationStatus keeps incremental identification events in this
	// state (incremental_identification_status).
	IncrementalIdentificationStatus IncrementalIdentificationStatus
	// Source selects the kind of events (source): without it only device events are
	// returned; []EventSource{EventSourceEdge} returns Automation Intelligence events.
	// At most one value; the API accepts only EventSourceEdge here.
	Source []EventSource

	// MinSuspectScore keeps events whose suspect score is above this value
	// (min_suspect_score, sent as a plain decimal).
	MinSuspectScore *float64

	// Suspect filters by the suspect flag set with UpdateEvent (suspect).
	Suspect *bool

	// The Smart Signal filters below keep only events where the signal has the given value
	// (true or false); events without the signal are left out. nil does not filter.

	// VPN filters by VPN detection (vpn).
	VPN *bool
	// Proxy filters by proxy detection (proxy).
	Proxy *bool
	// TorNode filters by Tor exit node detection (tor_node).
	TorNode *bool
	// VirtualMachine filters by virtual machine detection (virtual_machine).
	VirtualMachine *bool
	// Tampering filters by browser tampering detection (tampering).
	Tampering *bool
	// AntiDetectBrowser filters by anti-detect browser detection (anti_detect_browser).
	AntiDetectBrowser *bool
	// Incognito filters by incognito mode detection (incognito).
	Incognito *bool
	// PrivacySettings filters by privacy settings detection (privacy_settings).
	PrivacySettings *bool
	// Jailbroken filters by jailbroken iOS device detection (jailbroken).
	Jailbroken *bool
	// Frida filters by Frida instrumentation detection (frida).
	Frida *bool
	// FactoryReset filters by factory reset detection (factory_reset).
	FactoryReset *bool
	// ClonedApp filters by cloned Android app detection (cloned_app).
	ClonedApp *bool
	// Emulator filters by Android emulator detection (emulator).
	Emulator *bool
	// Simulator filters by iOS simulator detection (simulator).
	Simulator *bool
	// RootApps filters by rooted Android device detection (root_apps).
	RootApps *bool
	// DeveloperTools filters by developer tools detection (developer_tools).
	DeveloperTools *bool
	// LocationSpoofing filters by location spoofing detection (location_spoofing).
	LocationSpoofing *bool
	// MITMAttack filters by man-in-the-middle attack detection (mitm_attack).
	MITMAttack *bool
	// RareDevice filters by device rarity (rare_device; a beta signal).
	RareDevice *bool
	// ActiveCall filters by active phone call detection on mobile (active_call).
	ActiveCall *bool
}

// validate checks p before any request is sent.
func (p *SearchEventsParams) validate() error {
	if p == nil {
		return nil
	}
	if p.Limit != 0 && (p.Limit < 1 || p.Limit > 100) {
		return invalid("Limit", "limit must be between 1 and 100, got %d", p.Limit)
	}
	if p.TotalHits != 0 && (p.TotalHits < 1 || p.TotalHits > 1000) {
		return invalid("TotalHits", "total_hits must be between 1 and 1000, got %d", p.TotalHits)
	}
	if len(p.Source) > 1 {
		return invalid("Source", "source takes at most one value, got %d", len(p.Source))
	}
	if !p.Start.IsZero() && !p.End.IsZero() && p.Start.After(p.End) {
		return invalid("Start", "start (%s) is after end (%s)", p.Start.Format(time.RFC3339), p.End.Format(time.RFC3339))
	}
	if v := p.MinSuspectScore; v != nil && (math.IsNaN(*v) || math.IsInf(*v, 0)) {
		return invalid("MinSuspectScore", "min_suspect_score must be a finite number")
	}
	if err := p.checkLimits(); err != nil {
		return err
	}
	var err error
	p.each(func(name string, values ...string) {
		for _, v := range values {
			if err == nil && strings.TrimSpace(v) == "" {
				err = invalid(name, "empty or blank value")
			}
		}
	})
	return err
}

// encode returns the query string of p: repeated keys for arrays, RFC 3339 times,
// plain decimal floats, and %20 for spaces (which every server decodes, unlike '+').
func (p *SearchEventsParams) encode() string {
	var b strings.Builder
	if p == nil {
		return ""
	}
	p.each(func(name string, values ...string) {
		for _, v := range values {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(name)
			b.WriteByte('=')
			b.WriteString(queryEscape(v))
		}
	})
	return b.String()
}

// queryEscape escapes a query value; url.QueryEscape turns only spaces into '+'.
func queryEscape(v string) string {
	return strings.ReplaceAll(url.QueryEscape(v), "+", "%20")
}

// each calls fn with the query name and values of every set parameter, in the order of the spec.
func (p *SearchEventsParams) each(fn func(name string, values ...string)) {
	str := func(name, v string) {
		if v != "" {
			fn(name, v)
		}
	}
	strs := func(name string, vs []string) {
		if len(vs) > 0 {
			fn(name, vs...)
		}
	}
	boolean := func(name string, v *bool) {
		if v != nil {
			fn(name, strconv.FormatBool(*v))
		}
	}
	if p.Limit != 0 {
		fn("limit", strconv.Itoa(p.Limit))
	}
	str("pagination_key", p.PaginationKey)
	str("visitor_id", p.VisitorID)
	str("high_recall_id", p.HighRecallID)
	str("bot", string(p.Bot))
	str("bot_info", string(p.BotInfo))
	strs("bot_info_category", enumStrings(p.BotInfoCategory))
	strs("bot_info_identity", enumStrings(p.BotInfoIdentity))
	strs("bot_info_confidence", enumStrings(p.BotInfoConfidence))
	strs("bot_info_provider", p.BotInfoProvider)
	strs("bot_info_name", p.BotInfoName)
	str("ip_address", p.IPAddress)
	str("asn", p.ASN)
	str("linked_id", p.LinkedID)
	str("url", p.URL)
	str("bundle_id", p.BundleID)
	str("package_name", p.PackageName)
	str("origin", p.Origin)
	if !p.Start.IsZero() {
		fn("start", formatStart(p.Start))
	}
	if !p.End.IsZero() {
		fn("end", formatEnd(p.End))
	}
	if p.Reverse {
		fn("reverse", "true")
	}
	boolean("suspect", p.Suspect)
	boolean("vpn", p.VPN)
	boolean("virtual_machine", p.VirtualMachine)
	boolean("tampering", p.Tampering)
	boolean("anti_detect_browser", p.AntiDetectBrowser)
	boolean("incognito", p.Incognito)
	boolean("privacy_settings", p.PrivacySettings)
	boolean("jailbroken", p.Jailbroken)
	boolean("frida", p.Frida)
	boolean("factory_reset", p.FactoryReset)
	boolean("cloned_app", p.ClonedApp)
	boolean("emulator", p.Emulator)
	boolean("root_apps", p.RootApps)
	str("vpn_confidence", string(p.VPNConfidence))
	if p.MinSuspectScore != nil {
		fn("min_suspect_score", strconv.FormatFloat(*p.MinSuspectScore, 'f', -1, 64))
	}
	boolean("developer_tools", p.DeveloperTools)
	boolean("location_spoofing", p.LocationSpoofing)
	boolean("mitm_attack", p.MITMAttack)
	boolean("rare_device", p.RareDevice)
	str("rare_device_percentile_bucket", string(p.RareDevicePercentileBucket))
	boolean("proxy", p.Proxy)
	str("sdk_version", p.SDKVersion)
	str("sdk_platform", string(p.SDKPlatform))
	strs("environment", p.Environment)
	str("proximity_id", p.ProximityID)
	if p.TotalHits != 0 {
		fn("total_hits", strconv.Itoa(p.TotalHits))
	}
	boolean("tor_node", p.TorNode)
	str("incremental_identification_status", string(p.IncrementalIdentificationStatus))
	boolean("simulator", p.Simulator)
	boolean("active_call", p.ActiveCall)
	strs("source", enumStrings(p.Source))
}

func enumStrings[T ~string](vs []T) []string {
	if len(vs) == 0 {
		return nil
	}
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// formatStart renders a lower bound: UTC, rounded down to the second.
func formatStart(t time.Time) string {
	return t.UTC().Truncate(time.Second).Format(time.RFC3339)
}

// formatEnd renders an upper bound: UTC, rounded up to the second.
func formatEnd(t time.Time) string {
	u := t.UTC()
	if f := u.Truncate(time.Second); !f.Equal(u) {
		u = f.Add(time.Second)
	}
	return u.Format(time.RFC3339)
}

// clone returns a deep copy of p, so that paging never aliases the caller's slices or pointers.
func (p *SearchEventsParams) clone() *SearchEventsParams {
	if p == nil {
		return &SearchEventsParams{}
	}
	c := *p
	c.Environment = cloneSlice(p.Environment)
	c.BotInfoCategory = cloneSlice(p.BotInfoCategory)
	c.BotInfoIdentity = cloneSlice(p.BotInfoIdentity)
	c.BotInfoConfidence = cloneSlice(p.BotInfoConfidence)
	c.BotInfoProvider = cloneSlice(p.BotInfoProvider)
	c.BotInfoName = cloneSlice(p.BotInfoName)
	c.Source = cloneSlice(p.Source)
	c.MinSuspectScore = clonePtr(p.MinSuspectScore)
	for _, f := range []**bool{&c.Suspect, &c.VPN, &c.Proxy, &c.TorNode, &c.VirtualMachine, &c.Tampering,
		&c.AntiDetectBrowser, &c.Incognito, &c.PrivacySettings, &c.Jailbroken, &c.Frida, &c.FactoryReset,
		&c.ClonedApp, &c.Emulator, &c.Simulator, &c.RootApps, &c.DeveloperTools, &c.LocationSpoofing,
		&c.MITMAttack, &c.RareDevice, &c.ActiveCall} {
		*f = clonePtr(*f)
	}
	return &c
}

func cloneSlice[T any](s []T) []T {
	if s == nil {
		return nil
	}
	return append(make([]T, 0, len(s)), s...)
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
