package release

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestReleaseChangelog is what `make release-check` runs on the repository itself.
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
