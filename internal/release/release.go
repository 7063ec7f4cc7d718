// Package release holds the checks `make release-check` runs before a tag: the
// CHANGELOG.md has a section for fingerprint.Version, and a tag on the commit equals it.
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
