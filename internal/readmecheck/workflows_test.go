package readmecheck

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// pinnedUse is a step's `uses:` pinned to a full commit SHA, with the tag it stands for.
var pinnedUse = regexp.MustCompile(`^\s*(?:-\s+)?uses:\s+[\w.-]+/[\w./-]+@[0-9a-f]{40}\s+#\s+v\d+(\.\d+)*\s*$`)

// TestWorkflowActionsPinned checks that every action the GitHub workflows use is pinned
// by commit SHA (a tag can be moved to other code; a SHA cannot), with its tag in a
// comment, and that ci.yml keeps the named jobs CONTRIBUTING.md describes.
func TestWorkflowActionsPinned(t *testing.T) {
	root := moduleRoot(t)
	files, err := filepath.Glob(filepath.Join(root, ".github", "workflows", "*.yml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no workflows found (%v)", err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, ln := range strings.Split(string(data), "\n") {
			if strings.Contains(ln, "uses:") && !strings.HasPrefix(strings.TrimSpace(ln), "#") && !pinnedUse.MatchString(ln) {
				t.Errorf("%s:%d: action not pinned by commit SHA with its tag in a comment: %s", filepath.Base(f), i+1, strings.TrimSpace(ln))
			}
		}
	}
	ci, err := os.ReadFile(filepath.Join(root, ".github", "workflows", "ci.yml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, job := range []string{"generated", "lint", "test", "otel", "fuzz", "conformance", "govulncheck"} {
		if !regexp.MustCompile(`(?m)^  ` + job + `:\s*$`).Match(ci) {
			t.Errorf("ci.yml has no job %q", job)
		}
	}
	for _, v := range []string{"'1.25.x'", "'1.26.x'"} {
		if !strings.Contains(string(ci), v) {
			t.Errorf("ci.yml does not test Go %s", v)
		}
	}
}

func TestPinnedUsePattern(t *testing.T) {
	for ln, want := range map[string]bool{
		"      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2": true,
		"      - uses: actions/checkout@v4":                                                false,
		"      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683":          false,
		"        uses: actions/setup-go@d35c59abb061a4a6fb18e82ac0862c26744d6ab5 # v5.5.0": true,
	} {
		if got := pinnedUse.MatchString(ln); got != want {
			t.Errorf("pinnedUse(%q) = %v, want %v", ln, got, want)
		}
	}
}
