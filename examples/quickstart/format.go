package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
)

// eventLine summarizes an event on one line.
func eventLine(ev *fingerprint.Event) string {
	parts := []string{time.UnixMilli(ev.Timestamp).UTC().Format("2006-01-02 15:04:05")}
	if ev.Identification != nil {
		parts = append(parts, "visitor "+ev.Identification.VisitorID)
	} else {
		parts = append(parts, "edge event "+ev.EventID)
	}
	if b := ev.BrowserDetails; b != nil {
		parts = append(parts, fmt.Sprintf("%s %s on %s", b.BrowserName, b.BrowserMajorVersion, b.OS))
	}
	if loc := location(ev.IPInfo); loc != "" {
		parts = append(parts, loc)
	}
	var signals []string
	if ev.Bot != nil {
		signals = append(signals, "bot="+string(*ev.Bot))
	}
	if ev.VPN != nil {
		signals = append(signals, fmt.Sprintf("vpn=%v", *ev.VPN))
	}
	if ev.SuspectScore != nil {
		signals = append(signals, fmt.Sprintf("suspect_score=%d", *ev.SuspectScore))
	}
	return strings.Join(append(parts, strings.Join(signals, " ")), "  ")
}

// describe prints the fields most integrations look at first.
func describe(w io.Writer, ev *fingerprint.Event) {
	if id := ev.Identification; id != nil {
		conf := 0.0
		if id.Confidence != nil {
			conf = id.Confidence.Score
		}
		fmt.Fprintf(w, "   visitor_id %s (confidence %.2f, returning visitor: %v)\n", id.VisitorID, conf, id.VisitorFound)
	}
	if ev.IPAddress != nil {
		fmt.Fprintf(w, "   ip %s  %s\n", *ev.IPAddress, location(ev.IPInfo))
	}
	if b := ev.BrowserDetails; b != nil {
		fmt.Fprintf(w, "   browser %s %s on %s %s\n", b.BrowserName, b.BrowserFullVersion, b.OS, b.OSVersion)
	}
	var set []string
	for _, s := range []struct {
		name string
		v    *bool
	}{
		{"vpn", ev.VPN}, {"proxy", ev.Proxy}, {"tampering", ev.Tampering}, {"incognito", ev.Incognito},
		{"virtual_machine", ev.VirtualMachine}, {"developer_tools", ev.DeveloperTools},
		{"emulator", ev.Emulator}, {"jailbroken", ev.Jailbroken}, {"root_apps", ev.RootApps}, {"frida", ev.Frida},
	} {
		if s.v != nil {
			set = append(set, fmt.Sprintf("%s=%v", s.name, *s.v))
		}
	}
	if ev.Bot != nil {
		set = append([]string{"bot=" + string(*ev.Bot)}, set...)
	}
	fmt.Fprintf(w, "   smart signals: %s\n", strings.Join(set, " "))
	if ev.SuspectScore != nil {
		fmt.Fprintf(w, "   suspect_score %d\n", *ev.SuspectScore)
	}
}

func location(info *fingerprint.IPInfo) string {
	if info == nil || info.V4 == nil || info.V4.Geolocation == nil {
		return ""
	}
	g := info.V4.Geolocation
	if g.CityName == nil || g.CountryCode == nil {
		return ""
	}
	return *g.CityName + ", " + *g.CountryCode
}
