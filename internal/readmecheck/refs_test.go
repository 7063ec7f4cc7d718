package readmecheck

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var (
	// makeTarget finds a make command: in code (after a backtick), at the start of a
	// shell line, after && or an environment setting (FUZZTIME=1x make fuzz).
	makeTarget = regexp.MustCompile("(?:^\\s*|`|&& |[A-Z_]+=\\S* )make ([a-z][a-z0-9-]*)")
	// makefileRule finds the targets the Makefile defines.
	makefileRule = regexp.MustCompile(`(?m)^([a-z][a-z0-9-]*):`)
	// repoPath finds a path inside the repository: it starts at a top-level directory of
	// the module, after a space, a backtick, a parenthesis or "./" (so import paths such
	// as github.com/fpgo/fingerprint-go/fingerprint are not taken for one).
	repoPath = regexp.MustCompile("(?:^|[\\s`(])(?:\\./)?((?:api|cmd|conformance|docs|examples|fingerprint|gen|internal|testdata|\\.github|\\.ci)/[A-Za-z0-9_./-]*)")
	// localLink finds a Markdown link to a file of the repository.
	localLink = regexp.MustCompile(`\]\(([A-Za-z0-9_./-]+)(#[a-z0-9-]*)?\)`)
)

// TestDocReferencesExist checks that what the documents tell a reader to run or open
// exists: every `make TARGET` is a Makefile target, every repository path (such as
// fingerprint/client.go or ./cmd/fpctl) exists, and every relative link points at a file.
func TestDocReferencesExist(t *testing.T) {
	root := moduleRoot(t)
	makefile, err := os.ReadFile(filepath.Join(root, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	targets := map[string]bool{}
	for _, m := range makefileRule.FindAllStringSubmatch(string(makefile), -1) {
		targets[m[1]] = true
	}
	for _, d := range docs {
		content, err := os.ReadFile(filepath.Join(root, d.name))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range docProblems(string(content), targets, func(path string) bool {
			_, err := os.Stat(filepath.Join(root, filepath.FromSlash(path))) //nolint:gosec // G703: paths named by the repository's own documents; Stat reads no content
			return err == nil
		}) {
			t.Errorf("%s:%s", d.name, p)
		}
	}
}

// docProblems lists the references of a document that do not resolve, as "line: what".
func docProblems(content string, targets map[string]bool, exists func(path string) bool) []string {
	var out []string
	for i, ln := range strings.Split(content, "\n") {
		for _, m := range makeTarget.FindAllStringSubmatch(ln, -1) {
			if !targets[m[1]] {
				out = append(out, fmt.Sprintf("%d: make %s: no such Makefile target", i+1, m[1]))
			}
		}
		for _, m := range repoPath.FindAllStringSubmatch(ln, -1) {
			p := strings.TrimRight(m[1], ".,:;/") // ./cmd/fpctl/... and end-of-sentence marks
			if !exists(p) {
				out = append(out, fmt.Sprintf("%d: %s: no such file or directory", i+1, p))
			}
		}
		for _, m := range localLink.FindAllStringSubmatch(ln, -1) {
			if !exists(m[1]) {
				out = append(out, fmt.Sprintf("%d: link to %s: no such file", i+1, m[1]))
			}
		}
	}
	return out
}

// TestDocProblemsFindsStaleReferences pins what the reference check catches and ignores.
func TestDocProblemsFindsStaleReferences(t *testing.T) {
	targets := map[string]bool{"ci": true, "generate": true}
	files := map[string]bool{"fingerprint/client.go": true, "cmd/fpctl": true, "CONTRIBUTING.md": true, "fingerprint": true}
	exists := func(p string) bool { return files[p] }
	doc := strings.Join([]string{
		"Run `make ci` and make generate.", // fine
		"Then `make bogus`.",               // unknown target
		"See `fingerprint/client.go`, `go run ./cmd/fpctl` and ./cmd/fpctl/....", // fine
		"Import github.com/fpgo/fingerprint-go/fingerprint/webhook.",             // an import path, not a file
		"Open (fingerprint/gone.go) and [the guide](CONTRIBUTING.md#file-map).",  // missing file; fine link
		"[old](MISSING.md)", // missing link target
	}, "\n")
	got := docProblems(doc, targets, exists)
	want := []string{
		"2: make bogus: no such Makefile target",
		"5: fingerprint/gone.go: no such file or directory",
		"6: link to MISSING.md: no such file",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("docProblems:\n got %q\nwant %q", got, want)
	}
}
