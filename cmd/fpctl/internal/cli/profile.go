package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

const (
	envProfile = "FPCTL_PROFILE"
	envConfig  = "FPCTL_CONFIG" // another config file than the default
	// maxConfigFile bounds how much of the config file is read.
	maxConfigFile = 64 << 10
)

// profile is one section of the config file: where a workspace's API is and which
// file holds its key. A key itself is never accepted in the config.
type profile struct {
	name       string
	region     string
	baseURL    string
	apiKeyFile string
}

// configPath is $FPCTL_CONFIG, else fpctl/config in the user's config directory
// (~/.config on Linux, ~/Library/Application Support on macOS, %AppData% on Windows).
func (a *app) configPath() (string, error) {
	if p := strings.TrimSpace(a.env.Getenv(envConfig)); p != "" {
		return p, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no config directory: %w (set %s)", err, envConfig)
	}
	return filepath.Join(dir, "fpctl", "config"), nil
}

// loadProfiles reads the config file:
//
//	# comment
//	[eu]
//	region = eu
//	api_key_file = ~/.config/fpctl/eu.key
//
//	[proxy]
//	base_url = https://fp.example.com/v4
//	api_key_file = /run/secrets/fp.key
func loadProfiles(path string) ([]*profile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close() //nolint:errcheck // read-only
	b, err := io.ReadAll(io.LimitReader(f, maxConfigFile+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(b) > maxConfigFile {
		return nil, fmt.Errorf("%s is larger than %d bytes: not an fpctl config", path, maxConfigFile)
	}
	var out []*profile
	var cur *profile
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		bad := func(format string, args ...any) error {
			return fmt.Errorf("%s:%d: %s", path, n, fmt.Sprintf(format, args...))
		}
		if strings.HasPrefix(line, "[") {
			name, ok := strings.CutSuffix(line[1:], "]")
			name = strings.TrimSpace(name)
			if !ok || name == "" {
				return nil, bad("want [profile-name]")
			}
			for _, p := range out {
				if p.name == name {
					return nil, bad("profile %q defined twice", name)
				}
			}
			cur = &profile{name: name}
			out = append(out, cur)
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			return nil, bad("want key = value")
		}
		if cur == nil {
			return nil, bad("%s outside a [profile] section", strings.TrimSpace(k))
		}
		v = strings.Trim(strings.TrimSpace(v), `"`)
		switch k = strings.TrimSpace(k); k {
		case "region":
			if !validRegion(v) {
				return nil, bad("region must be us, eu or asia, got %q", v)
			}
			cur.region = v
		case "base_url":
			cur.baseURL = v
		case "api_key_file":
			cur.apiKeyFile = expandPath(v, filepath.Dir(path))
		case "api_key", "key", "secret_api_key", "secret":
			// The value is not quoted back: it may be a key.
			return nil, bad("%s: a key is never read from the config; put it in a file of its own and name it with api_key_file", k)
		default:
			return nil, bad("unknown setting %q (region, base_url, api_key_file)%s", k, didYouMean(k, []string{"region", "base_url", "api_key_file"}))
		}
	}
	for _, p := range out {
		if p.region != "" && p.baseURL != "" {
			return nil, fmt.Errorf("%s: profile %q: region and base_url cannot be combined", path, p.name)
		}
	}
	return out, sc.Err()
}

// expandPath resolves ~/ and paths relative to the config file's directory.
func expandPath(p, dir string) string {
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, rest)
		}
	}
	if p != "" && !filepath.IsAbs(p) {
		return filepath.Join(dir, p)
	}
	return p
}

// applyProfile fills the connection flags the user did not give from the chosen
// profile (--profile, else $FPCTL_PROFILE). Flags win over the profile, and the
// profile over $FINGERPRINT_REGION and $FINGERPRINT_SECRET_API_KEY.
func (a *app) applyProfile() error {
	name := a.g.profile
	if name == "" {
		name = strings.TrimSpace(a.env.Getenv(envProfile))
	}
	if name == "" || a.g.fake || a.cmd.path == "profiles list" {
		return nil
	}
	path, err := a.configPath()
	if err != nil {
		return err
	}
	profiles, err := loadProfiles(path)
	if errors.Is(err, fs.ErrNotExist) {
		return usagef("profile %q: no config file %s (see 'fpctl profiles list --help')", name, path)
	}
	if err != nil {
		return usagef("%v", err)
	}
	var names []string
	for _, p := range profiles {
		names = append(names, p.name)
		if p.name != name {
			continue
		}
		if a.g.region == "" && a.g.baseURL == "" {
			a.g.region, a.g.baseURL = p.region, p.baseURL
		}
		if a.g.apiKeyFile == "" {
			a.g.apiKeyFile = p.apiKeyFile
		}
		return a.g.check()
	}
	return usagef("no profile %q in %s (profiles: %s)%s", name, path, strings.Join(names, ", "), didYouMean(name, names))
}

// profilesListCommand is the "fpctl profiles list" command.
func profilesListCommand() *command {
	return &command{
		path:    "profiles list",
		summary: "list the profiles of the config file",
		usage:   "profiles list",
		help: `Lists the profiles of the config file, $FPCTL_CONFIG or fpctl/config in
your user config directory. A profile names a workspace's API: a region or
a base URL, and the file that holds its secret API key (never the key).
Choose one with --profile NAME or $FPCTL_PROFILE; flags given on the command
line win over the profile, and the profile over $FINGERPRINT_REGION and
$FINGERPRINT_SECRET_API_KEY.

Config file:
  # ~/.config/fpctl/config
  [us]
  region = us
  api_key_file = ~/.config/fpctl/us.key

  [eu]
  region = eu
  api_key_file = ~/.config/fpctl/eu.key

Example:
  fpctl --profile eu events search --since 1h --bot bad`,
		offline: true,
		flags:   noFlags(runProfilesList),
	}
}

func runProfilesList(_ context.Context, a *app, args []string) error {
	if len(args) > 0 {
		return usagef("profiles list takes no arguments")
	}
	path, err := a.configPath()
	if err != nil {
		return err
	}
	profiles, err := loadProfiles(path)
	if errors.Is(err, fs.ErrNotExist) {
		_, err = fmt.Fprintf(a.env.Stdout, "no config file %s (see 'fpctl profiles list --help')\n", path)
		return err
	}
	if err != nil {
		return usagef("%v", err)
	}
	active := a.g.profile
	if active == "" {
		active = strings.TrimSpace(a.env.Getenv(envProfile))
	}
	sort.SliceStable(profiles, func(i, j int) bool { return profiles[i].name < profiles[j].name })
	var b strings.Builder
	fmt.Fprintf(&b, "%s:\n", termSafe(path))
	for _, p := range profiles {
		mark := " "
		if p.name == active {
			mark = "*"
		}
		where := "region " + p.region
		switch {
		case p.baseURL != "":
			where = "base URL " + p.baseURL
		case p.region == "":
			where = "region (default)"
		}
		key := p.apiKeyFile
		if key == "" {
			key = "(key from $" + envSecretKey + ")"
		}
		fmt.Fprintf(&b, "%s %-12s %s, key file %s\n", mark, termSafe(p.name), termSafe(where), termSafe(key))
	}
	_, err = io.WriteString(a.env.Stdout, b.String())
	return err
}
