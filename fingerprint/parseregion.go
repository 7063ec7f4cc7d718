package fingerprint

import (
	"fmt"
	"strings"
)

// ParseRegion reads a region name as people write it in configuration: "us", "eu" or
// "asia" in any case, surrounding spaces ignored. An empty string is the default region
// (RegionUS), so an unset environment variable needs no special case:
//
//	region, err := fingerprint.ParseRegion(os.Getenv("FINGERPRINT_REGION"))
//
// Anything else is an error that lists the valid values.
func ParseRegion(s string) (Region, error) {
	switch r := Region(strings.ToLower(strings.TrimSpace(s))); r {
	case "":
		return RegionUS, nil
	case RegionUS, RegionEU, RegionAsia:
		return r, nil
	}
	return "", fmt.Errorf("fingerprint: unknown region %q: use %q, %q or %q (or leave it empty for %q)",
		s, RegionUS, RegionEU, RegionAsia, RegionUS)
}
