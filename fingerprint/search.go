package fingerprint

import (
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/fpgo/fingerprint-go/gen"
)

// Enum types of search filters that exist only as query parameters.
type (
	// SearchEventsParamsBot filters by the bot detection result: all, good, bad or none.
	SearchEventsParamsBot = gen.SearchEventsParamsBot
	// SearchEventsParamsBotInfo filters by the presence of bot_info: all or none.
	SearchEventsParamsBotInfo = gen.SearchEventsParamsBotInfo
	// SearchEventsParamsSDKPlatform filters by the platform of the client SDK.
	SearchEventsParamsSDKPlatform = gen.SearchEventsParamsSDKPlatform
	// SearchEventsParamsIncrementalIdentificationStatus filters by incremental identification status.
	SearchEventsParamsIncrementalIdentificationStatus = gen.SearchEventsParamsIncrementalIdentificationStatus
	// SearchEventsParamsSource selects where events come from; only "edge" exists.
	SearchEventsParamsSource = gen.SearchEventsParamsSource
)

// Values of the search-only enum types.
const (
	SearchEventsParamsBotAll                                            = gen.SearchEventsParamsBotAll
	SearchEventsParamsBotGood                                           = gen.SearchEventsParamsBotGood
	SearchEventsParamsBotBad                                            = gen.SearchEventsParamsBotBad
	SearchEventsParamsBotNone                                           = gen.SearchEventsParamsBotNone
	SearchEventsParamsBotInfoAll                                        = gen.SearchEventsParamsBotInfoAll
	SearchEventsParamsBotInfoNone                                       = gen.SearchEventsParamsBotInfoNone
	SearchEventsParamsSDKPlatformAndroid                                = gen.SearchEventsParamsSDKPlatformAndroid
	SearchEventsParamsSDKPlatformIOS                                    = gen.SearchEventsParamsSDKPlatformIOS
	SearchEventsParamsSDKPlatformJS                                     = gen.SearchEventsParamsSDKPlatformJS
	SearchEventsParamsIncrementalIdentificationStatusCompleted          = gen.SearchEventsParamsIncrementalIdentificationStatusCompleted
	SearchEventsParamsIncrementalIdentificationStatusPartiallyCompleted = gen.SearchEventsParamsIncrementalIdentificationStatusPartiallyCompleted
	SearchEventsParamsSourceEdge                                        = gen.SearchEventsParamsSourceEdge
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

	// Start and End bound the event time (start, end). The API defaults to the last 7 days;
	// setting one does not move the other. They are sent in RFC 3339 form in UTC at whole
	// seconds: Start is rounded down and End up, so the window never shrinks.
	Start time.Time
	End   time.Time

	VisitorID    string   // visitor_id
	HighRecallID string   // high_recall_id
	LinkedID     string   // linked_id
	IPAddress    string   // ip_address: an IP address or a CIDR range
	ASN          string   // asn
	URL          string   // url
	Origin       string   // origin
	BundleID     string   // bundle_id (iOS)
	PackageName  string   // package_name (Android)
	ProximityID  string   // proximity_id
	SDKVersion   string   // sdk_version
	Environment  []string // environment, one or more environment IDs

	Bot                             SearchEventsParamsBot                             // bot
	BotInfo                         SearchEventsParamsBotInfo                         // bot_info
	BotInfoCategory                 []BotInfoCategory                                 // bot_info_category
	BotInfoIdentity                 []BotInfoIdentity                                 // bot_info_identity
	BotInfoConfidence               []BotInfoConfidence                               // bot_info_confidence
	BotInfoProvider                 []string                                          // bot_info_provider
	BotInfoName                     []string                                          // bot_info_name
	VPNConfidence                   VPNConfidence                                     // vpn_confidence
	RareDevicePercentileBucket      RareDevicePercentileBucket                        // rare_device_percentile_bucket
	SDKPlatform                     SearchEventsParamsSDKPlatform                     // sdk_platform
	IncrementalIdentificationStatus SearchEventsParamsIncrementalIdentificationStatus // incremental_identification_status
	// Source selects the kind of events (source): without it only device events are
	// returned; []SearchEventsParamsSource{SearchEventsParamsSourceEdge} returns Automation
	// Intelligence events. At most one value.
	Source []SearchEventsParamsSource

	// MinSuspectScore keeps events whose suspect score is above this value (min_suspect_score).
	MinSuspectScore *float64

	// Suspect filters by the suspect flag set with UpdateEvent (suspect).
	Suspect *bool

	// Smart Signal filters: true or false keeps only events where the signal has that
	// value; events without the signal are left out. nil does not filter.
	VPN               *bool // vpn
	Proxy             *bool // proxy
	TorNode           *bool // tor_node
	VirtualMachine    *bool // virtual_machine
	Tampering         *bool // tampering
	AntiDetectBrowser *bool // anti_detect_browser
	Incognito         *bool // incognito
	PrivacySettings   *bool // privacy_settings
	Jailbroken        *bool // jailbroken
	Frida             *bool // frida
	FactoryReset      *bool // factory_reset
	ClonedApp         *bool // cloned_app
	Emulator          *bool // emulator
	Simulator         *bool // simulator
	RootApps          *bool // root_apps
	DeveloperTools    *bool // developer_tools
	LocationSpoofing  *bool // location_spoofing
	MITMAttack        *bool // mitm_attack
	RareDevice        *bool // rare_device
	ActiveCall        *bool // active_call
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
