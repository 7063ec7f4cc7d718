// Package release holds the checks `make release-check` runs before a tag: the
// CHANGELOG.md has a section for fingerprint.Version and nothing left under Unreleased,
// a tag on the commit equals it, the tag is not used yet, and the module path carries
// the version's major suffix when it needs one.
package release

import (
	"bufio"
	"bytes"
	"fmt"
	"regexp"
	"strings"
)

var versionConst = regexp.MustCompile(`(?m)^const Version = "([^"]+)"`)

// VersionFromSource returns the value of `const Version = "..."` in the source of
// fingerprint/version.go. Parsing the file, not importing the package, keeps this
// check independent of whether package fingerprint builds.
func VersionFromSource(src []byte) (string, error) {
	m := versionConst.FindSubmatch(src)
	if m == nil {
		return "", fmt.Errorf(`no line const Version = "..." found`)
	}
	return string(m[1]), nil
}

var semver = regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$`)

// CheckChangelog reports an error unless changelog (Keep a Changelog format) has a
// "## [version] - YYYY-MM-DD" section with at least one bullet line.
func CheckChangelog(changelog []byte, version string) error {
	if !semver.MatchString(version) {
		return fmt.Errorf("fingerprint.Version %q is not semantic versioning (MAJOR.MINOR.PATCH)", version)
	}
	heading := regexp.MustCompile(`^## \[` + regexp.QuoteMeta(version) + `\] - \d{4}-\d{2}-\d{2}\s*$`)
	sc := bufio.NewScanner(bytes.NewReader(changelog))
	in, found, bullets := false, false, 0
	for sc.Scan() {
		line := sc.Text()
		switch {
		case heading.MatchString(line):
			in, found = true, true
		case strings.HasPrefix(line, "## "):
			in = false
		case in && strings.HasPrefix(strings.TrimSpace(line), "- "):
			bullets++
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if !found {
		return fmt.Errorf("CHANGELOG.md has no section \"## [%s] - YYYY-MM-DD\": move the Unreleased entries under it", version)
	}
	if bullets == 0 {
		return fmt.Errorf("CHANGELOG.md section [%s] lists no change", version)
	}
	return nil
}

// CheckTags reports an error if a release tag (v*) among tags is not "v"+version:
// tag vX.Y.Z must be cut from a commit whose Version is X.Y.Z.
func CheckTags(tags []string, version string) error {
	for _, t := range tags {
		if strings.HasPrefix(t, "v") && t != "v"+version {
			return fmt.Errorf("tag %s points at this commit, but fingerprint.Version is %q", t, version)
		}
	}
	return nil
}

// CheckUnreleased reports an error if the "## [Unreleased]" section of changelog still
// lists changes: a tag publishes them, so they belong under the version's own section.
func CheckUnreleased(changelog []byte, version string) error {
	sc := bufio.NewScanner(bytes.NewReader(changelog))
	in, bullets := false, 0
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "## [Unreleased]"):
			in = true
		case strings.HasPrefix(line, "## "):
			in = false
		case in && strings.HasPrefix(line, "- "):
			bullets++
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if bullets > 0 {
		return fmt.Errorf("CHANGELOG.md lists %d changes under [Unreleased]: move them under \"## [%s] - YYYY-MM-DD\" before tagging v%s", bullets, version, version)
	}
	return nil
}

// CheckTagUnused reports an error if tag v+version already exists on another commit than
// head: a published version never moves, so the next release needs a new Version.
// tagCommit is the commit the tag points at, "" when the tag does not exist.
func CheckTagUnused(version, tagCommit, head string) error {
	if tagCommit != "" && tagCommit != head {
		return fmt.Errorf("tag v%s already exists on commit %.12s: set fingerprint.Version to the next version", version, tagCommit)
	}
	return nil
}

var modulePath = regexp.MustCompile(`(?m)^module\s+(\S+)\s*$`)
var majorSuffix = regexp.MustCompile(`/v([0-9]+)$`)

// CheckModulePath reports an error unless the module path in gomod agrees with the
// major version of version: no /vN suffix for v0 and v1, and /vN for vN with N >= 2.
func CheckModulePath(gomod []byte, version string) error {
	m := modulePath.FindSubmatch(gomod)
	if m == nil {
		return fmt.Errorf("go.mod has no module line")
	}
	path := string(m[1])
	major, _, _ := strings.Cut(version, ".")
	suffix := ""
	if s := majorSuffix.FindStringSubmatch(path); s != nil {
		suffix = s[1]
	}
	switch {
	case (major == "0" || major == "1") && suffix != "":
		return fmt.Errorf("module %s has a /v%s suffix, but version %s needs none", path, suffix, version)
	case major != "0" && major != "1" && suffix != major:
		return fmt.Errorf("module %s must end in /v%s for version %s", path, major, version)
	}
	return nil
}
