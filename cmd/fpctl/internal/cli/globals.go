package cli

import (
	"flag"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
)

// globals are the flags every command accepts, before or after its name.
type globals struct {
	region     string
	baseURL    string
	insecure   bool // --allow-insecure-http
	timeout    time.Duration
	retries    int
	verbose    bool
	fake       bool
	apiKeyFile string
	profile    string
	output     string
	version    bool
}

var globalFlags = map[string]bool{ // name -> is a boolean flag
	"region": false, "base-url": false, "timeout": false, "retries": false,
	"api-key-file": false, "verbose": true, "fake": true,
	"profile": false, "output": false, "o": false, "version": true, "allow-insecure-http": true,
}

func isGlobal(name string) bool     { _, ok := globalFlags[name]; return ok }
func isGlobalBool(name string) bool { return globalFlags[name] }

func (g *globals) register(fs *flag.FlagSet) {
	fs.StringVar(&g.region, "region", "", "API region: us, eu or asia (default $FINGERPRINT_REGION, else us)")
	fs.StringVar(&g.baseURL, "base-url", "", "send requests to this API base URL instead of a region's host (a proxy, or `fpctl fake`)")
	fs.BoolVar(&g.insecure, "allow-insecure-http", false, "allow an http:// --base-url to a host that is not loopback (the key is sent unencrypted)")
	fs.DurationVar(&g.timeout, "timeout", fingerprint.DefaultTimeout, "time limit of each attempt of a request (0 = none)")
	fs.IntVar(&g.retries, "retries", fingerprint.DefaultMaxRetries, "retries after a failed attempt (429, 5xx, network)")
	fs.BoolVar(&g.verbose, "verbose", false, "log each request attempt on stderr (never the key)")
	fs.BoolVar(&g.fake, "fake", false, "use an in-memory fake server with realistic data; no key needed")
	fs.StringVar(&g.apiKeyFile, "api-key-file", "", "read the secret API key from this file (default $FINGERPRINT_SECRET_API_KEY)")
	fs.StringVar(&g.profile, "profile", "", "use this profile of the config file (default $FPCTL_PROFILE)")
	fs.StringVar(&g.output, "output", "", "write stdout to this file, replaced only when the command succeeds")
	fs.StringVar(&g.output, "o", "", "short for --output")
	fs.BoolVar(&g.version, "version", false, "print the version and exit")
}

// check rejects invalid global flag values before any request.
func (g *globals) check() error {
	switch {
	case g.timeout < 0:
		return usagef("--timeout must not be negative")
	case g.retries < 0:
		return usagef("--retries must not be negative")
	case g.region != "" && !validRegion(g.region):
		return usagef("--region must be us, eu or asia, got %q", g.region)
	case g.region != "" && g.baseURL != "":
		return usagef("--region and --base-url cannot be combined: the base URL already selects the host")
	case g.fake && g.baseURL != "":
		return usagef("--fake and --base-url cannot be combined")
	}
	return nil
}

func validRegion(r string) bool {
	switch fingerprint.Region(r) {
	case fingerprint.RegionUS, fingerprint.RegionEU, fingerprint.RegionAsia:
		return true
	}
	return false
}
