package fingerprinttest

import "github.com/fpgo/fingerprint-go/gen"

// boolFilters are the boolean search filters. An event matches only when the signal
// exists and equals the requested value.
var boolFilters = map[string]func(*gen.Event) *bool{
	"suspect":           func(ev *gen.Event) *bool { return ev.Suspect },
	"vpn":               func(ev *gen.Event) *bool { return ev.VPN },
	"virtual_machine":   func(ev *gen.Event) *bool { return ev.VirtualMachine },
	"tampering":         func(ev *gen.Event) *bool { return ev.Tampering },
	"incognito":         func(ev *gen.Event) *bool { return ev.Incognito },
	"privacy_settings":  func(ev *gen.Event) *bool { return ev.PrivacySettings },
	"jailbroken":        func(ev *gen.Event) *bool { return ev.Jailbroken },
	"frida":             func(ev *gen.Event) *bool { return ev.Frida },
	"cloned_app":        func(ev *gen.Event) *bool { return ev.ClonedApp },
	"emulator":          func(ev *gen.Event) *bool { return ev.Emulator },
	"root_apps":         func(ev *gen.Event) *bool { return ev.RootApps },
	"developer_tools":   func(ev *gen.Event) *bool { return ev.DeveloperTools },
	"location_spoofing": func(ev *gen.Event) *bool { return ev.LocationSpoofing },
	"mitm_attack":       func(ev *gen.Event) *bool { return ev.MITMAttack },
	"rare_device":       func(ev *gen.Event) *bool { return ev.RareDevice },
	"proxy":             func(ev *gen.Event) *bool { return ev.Proxy },
	"simulator":         func(ev *gen.Event) *bool { return ev.Simulator },
	"active_call":       func(ev *gen.Event) *bool { return ev.ActiveCall },
	"anti_detect_browser": func(ev *gen.Event) *bool {
		if ev.TamperingDetails == nil {
			return nil
		}
		return ev.TamperingDetails.AntiDetectBrowser
	},
	"tor_node": func(ev *gen.Event) *bool {
		if ev.IPBlocklist == nil {
			return nil
		}
		return ev.IPBlocklist.TorNode
	},
	// A factory reset was detected when the reset time is set (non-zero).
	"factory_reset": func(ev *gen.Event) *bool {
		if ev.FactoryResetTimestamp == nil {
			return nil
		}
		return ptr(*ev.FactoryResetTimestamp > 0)
	},
}

// stringFilters match one event property exactly; an absent property never matches.
var stringFilters = map[string]func(*gen.Event) string{
	"visitor_id": func(ev *gen.Event) string {
		if ev.Identification == nil {
			return "\x00"
		}
		return ev.Identification.VisitorID
	},
	"high_recall_id": func(ev *gen.Event) string {
		if ev.SupplementaryIDHighRecall == nil {
			return "\x00"
		}
		return ev.SupplementaryIDHighRecall.VisitorID
	},
	"linked_id":    func(ev *gen.Event) string { return derefOr(ev.LinkedID) },
	"url":          func(ev *gen.Event) string { return derefOr(ev.URL) },
	"bundle_id":    func(ev *gen.Event) string { return derefOr(ev.BundleID) },
	"package_name": func(ev *gen.Event) string { return derefOr(ev.PackageName) },
	"origin": func(ev *gen.Event) string {
		if ev.URL == nil {
			return "\x00"
		}
		return origin(*ev.URL)
	},
	"sdk_version": func(ev *gen.Event) string {
		if ev.SDK == nil {
			return "\x00"
		}
		return ev.SDK.Version
	},
	"sdk_platform": func(ev *gen.Event) string {
		if ev.SDK == nil {
			return "\x00"
		}
		return string(ev.SDK.Platform)
	},
	"proximity_id": func(ev *gen.Event) string {
		if ev.Proximity == nil {
			return "\x00"
		}
		return ev.Proximity.ID
	},
	"vpn_confidence":                    func(ev *gen.Event) string { return derefOr(ev.VPNConfidence) },
	"rare_device_percentile_bucket":     func(ev *gen.Event) string { return derefOr(ev.RareDevicePercentileBucket) },
	"incremental_identification_status": func(ev *gen.Event) string { return derefOr(ev.IncrementalIdentificationStatus) },
}

// anyOfFilters take repeated keys (k=a&k=b) and match when the property is one of them.
var anyOfFilters = map[string]func(*gen.Event) (string, bool){
	"bot_info_category": func(ev *gen.Event) (string, bool) {
		if ev.BotInfo == nil {
			return "", false
		}
		return string(ev.BotInfo.Category), true
	},
	"bot_info_identity": func(ev *gen.Event) (string, bool) {
		if ev.BotInfo == nil {
			return "", false
		}
		return string(ev.BotInfo.Identity), true
	},
	"bot_info_confidence": func(ev *gen.Event) (string, bool) {
		if ev.BotInfo == nil {
			return "", false
		}
		return string(ev.BotInfo.Confidence), true
	},
	"bot_info_provider": func(ev *gen.Event) (string, bool) {
		if ev.BotInfo == nil {
			return "", false
		}
		return ev.BotInfo.Provider, true
	},
	"bot_info_name": func(ev *gen.Event) (string, bool) {
		if ev.BotInfo == nil {
			return "", false
		}
		return ev.BotInfo.Name, true
	},
	"environment": func(ev *gen.Event) (string, bool) {
		if ev.EnvironmentID == nil {
			return "", false
		}
		return *ev.EnvironmentID, true
	},
}

// derefOr returns the string form of *p, or a value no query can contain when p is nil.
func derefOr[T ~string](p *T) string {
	if p == nil {
		return "\x00"
	}
	return string(*p)
}
