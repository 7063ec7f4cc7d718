package release

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestReleaseChangelog checks, in every test run, that CHANGELOG.md has a section for
// fingerprint.Version and that no tag on HEAD disagrees with it.
func TestReleaseChangelog(t *testing.T) {
	root := filepath.Join("..", "..")
	src, err := os.ReadFile(filepath.Join(root, "fingerprint", "version.go"))
	if err != nil {
		t.Fatal(err)
	}
	version, err := VersionFromSource(src)
	if err != nil {
		t.Fatal(err)
	}
	changelog, err := os.ReadFile(filepath.Join(root, "CHANGELOG.md"))
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckChangelog(changelog, version); err != nil {
		t.Error(err)
	}
	git, err := exec.LookPath("git")
	if err != nil {
		t.Logf("git not found: tags not compared with Version %s", version)
		return
	}
	out, err := exec.CommandContext(t.Context(), git, "-C", root, "tag", "--points-at", "HEAD").Output()
	if err != nil {
		t.Logf("git tag --points-at HEAD failed (%v): tags not compared with Version %s", err, version)
		return
	}
	if err := CheckTags(strings.Fields(string(out)), version); err != nil {
		t.Error(err)
	}
}

func TestVersionFromSource(t *testing.T) {
	v, err := VersionFromSource([]byte("package fingerprint\n\n// Version ...\nconst Version = \"1.2.3\"\n"))
	if err != nil || v != "1.2.3" {
		t.Errorf("got %q, %v", v, err)
	}
	if _, err := VersionFromSource([]byte("package fingerprint\n")); err == nil {
		t.Error("want an error without a Version constant")
	}
}

func TestCheckChangelog(t *testing.T) {
	const log = "# Changelog\n\n## [Unreleased]\n\n### Added\n\n- next thing\n\n## [0.2.0] - 2026-12-01\n\n### Fixed\n\n- a bug\n\n## [0.1.0] - 2026-11-22\n\n### Added\n\n"
	for _, tc := range []struct {
		version string
		ok      bool
	}{
		{"0.2.0", true},
		{"0.1.0", false}, // a section without a bullet
		{"0.3.0", false}, // no section: the Unreleased entries were not moved
		{"0.2", false},   // not semver
		{"0.2.0.1", false},
	} {
		err := CheckChangelog([]byte(log), tc.version)
		if (err == nil) != tc.ok {
			t.Errorf("CheckChangelog(%s) = %v, want ok=%v", tc.version, err, tc.ok)
		}
	}
	// The Unreleased bullets must not count for a version heading that has none.
	if err := CheckChangelog([]byte("## [0.1.0] - 2026-11-22\n## [Unreleased]\n- x\n"), "0.1.0"); err == nil {
		t.Error("bullets of the next section counted for [0.1.0]")
	}
}

func TestCheckTags(t *testing.T) {
	if err := CheckTags([]string{"v0.2.0", "docs-snapshot"}, "0.2.0"); err != nil {
		t.Error(err)
	}
	if err := CheckTags(nil, "0.2.0"); err != nil {
		t.Error(err)
	}
	if err := CheckTags([]string{"v0.3.0"}, "0.2.0"); err == nil || !strings.Contains(err.Error(), "v0.3.0") {
		t.Errorf("a tag that disagrees with Version: %v", err)
	}
}

// TestReleaseReady is what `make release-check` adds before a tag (it sets
// FINGERPRINT_RELEASE_CHECK=1): nothing is left under Unreleased, the tag vVersion is
// not used by another commit, and go.mod's module path fits the major version. Between
// releases Unreleased is meant to fill up, so an ordinary test run skips it.
func TestReleaseReady(t *testing.T) {
	if os.Getenv("FINGERPRINT_RELEASE_CHECK") != "1" {
		t.Skip("run by make release-check (FINGERPRINT_RELEASE_CHECK=1): between releases CHANGELOG.md has Unreleased entries by design")
	}
	root := filepath.Join("..", "..")
	src, err := os.ReadFile(filepath.Join(root, "fingerprint", "version.go"))
	if err != nil {
		t.Fatal(err)
	}
	version, err := VersionFromSource(src)
	if err != nil {
		t.Fatal(err)
	}
	changelog, err := os.ReadFile(filepath.Join(root, "CHANGELOG.md"))
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckUnreleased(changelog, version); err != nil {
		t.Error(err)
	}
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckModulePath(gomod, version); err != nil {
		t.Error(err)
	}
	git, err := exec.LookPath("git")
	if err != nil {
		t.Fatalf("git not found: cannot check that tag v%s is unused", version)
	}
	head, err := exec.CommandContext(t.Context(), git, "-C", root, "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatalf("git rev-parse HEAD: %v", err)
	}
	// rev-list fails when the tag does not exist: that is the expected case.
	tagCommit, _ := exec.CommandContext(t.Context(), git, "-C", root, "rev-list", "-n", "1", "refs/tags/v"+version).Output()
	if err := CheckTagUnused(version, strings.TrimSpace(string(tagCommit)), strings.TrimSpace(string(head))); err != nil {
		t.Error(err)
	}
}

func TestCheckUnreleased(t *testing.T) {
	for _, tc := range []struct {
		name, log string
		ok        bool
	}{
		{"empty Unreleased", "# Changelog\n\n## [Unreleased]\n\n## [0.1.0] - 2026-12-07\n\n### Added\n\n- first\n", true},
		{"no Unreleased heading", "# Changelog\n\n## [0.1.0] - 2026-12-07\n\n- first\n", true},
		{"pending entries", "# Changelog\n\n## [Unreleased]\n\n### Added\n\n- one\n- two\n  continued\n\n## [0.1.0] - 2026-11-22\n\n- first\n", false},
	} {
		err := CheckUnreleased([]byte(tc.log), "0.1.0")
		if (err == nil) != tc.ok {
			t.Errorf("%s: CheckUnreleased = %v, want ok=%v", tc.name, err, tc.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "2 changes under [Unreleased]") {
			t.Errorf("%s: the error should count the pending entries: %v", tc.name, err)
		}
	}
}

func TestCheckTagUnused(t *testing.T) {
	if err := CheckTagUnused("0.1.0", "", "abc"); err != nil {
		t.Errorf("no tag yet: %v", err)
	}
	if err := CheckTagUnused("0.1.0", "abc", "abc"); err != nil {
		t.Errorf("the tag on HEAD itself (a rerun after tagging): %v", err)
	}
	if err := CheckTagUnused("0.1.0", "0123456789abcdef", "abc"); err == nil || !strings.Contains(err.Error(), "0123456789ab") {
		t.Errorf("a tag on another commit must fail naming it: %v", err)
	}
}

func TestCheckModulePath(t *testing.T) {
	for _, tc := range []struct {
		module, version string
		ok              bool
	}{
		{"github.com/fpgo/fingerprint-go", "0.1.0", true},
		{"github.com/fpgo/fingerprint-go", "1.4.2", true},
		{"github.com/fpgo/fingerprint-go/v2", "2.0.0", true},
		{"github.com/fpgo/fingerprint-go", "2.0.0", false},
		{"github.com/fpgo/fingerprint-go/v2", "1.0.0", false},
		{"github.com/fpgo/fingerprint-go/v2", "3.0.0", false},
	} {
		err := CheckModulePath([]byte("module "+tc.module+"\n\ngo 1.25.0\n"), tc.version)
		if (err == nil) != tc.ok {
			t.Errorf("CheckModulePath(%s, %s) = %v, want ok=%v", tc.module, tc.version, err, tc.ok)
		}
	}
}
