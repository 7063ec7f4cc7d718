package fingerprint

// Region selects the Fingerprint data center that stores your application's data.
// A secret API key only works in the region of its application; calling another region
// fails with 403 and the code wrong_region.
type Region string

// The regions of the Fingerprint Server API.
const (
	// RegionUS is the global region, served from the United States. It is the default.
	RegionUS Region = "us"
	// RegionEU is the European Union region.
	RegionEU Region = "eu"
	// RegionAsia is the Asia-Pacific region, served from Mumbai.
	RegionAsia Region = "asia"
)

// regionBaseURLs maps each region to the base URL of the API, as listed in the servers
// section of api/openapi.yaml (a test keeps the two in sync).
var regionBaseURLs = map[Region]string{
	RegionUS:   "https://api.fpjs.io/v4",
	RegionEU:   "https://eu.api.fpjs.io/v4",
	RegionAsia: "https://ap.api.fpjs.io/v4",
}

// baseURL returns the API base URL of r and whether r is a known region.
func (r Region) baseURL() (string, bool) {
	u, ok := regionBaseURLs[r]
	return u, ok
}
