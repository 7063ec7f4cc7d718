package readmecheck

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
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
	// localLink finds a Markdown link to a file of the repository or to a heading (#slug),
	// of this document when the path is empty.
	localLink = regexp.MustCompile(`\]\(([A-Za-z0-9_./-]*)(?:#([A-Za-z0-9_-]*))?\)`)
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
		exists := func(path string) bool {
			_, err := os.Stat(filepath.Join(root, filepath.FromSlash(path))) //nolint:gosec // G703: paths named by the repository's own documents; Stat reads no content
			return err == nil
		}
		// A link is relative to the document's directory (docs/guide.md links ../README.md);
		// an empty path is the document itself.
		target := func(link string) (bool, map[string]bool) {
			p := d.name
			if link != "" {
				p = path.Join(path.Dir(d.name), link)
			}
			if !strings.HasSuffix(p, ".md") {
				return exists(p), nil
			}
			data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(p))) //nolint:gosec // G703: a document the repository's own documents link to
			if err != nil {
				return false, nil
			}
			return true, headingSlugs(string(data))
		}
		for _, p := range docProblems(string(content), targets, exists, target) {
			t.Errorf("%s:%s", d.name, p)
		}
	}
}

// headingSlugs returns the anchors a Markdown renderer gives the headings of doc, as
// GitHub spells them: lower case, spaces to hyphens, other punctuation dropped.
func headingSlugs(doc string) map[string]bool {
	slugs := map[string]bool{}
	fenced := false
	for _, ln := range strings.Split(doc, "\n") {
		if strings.HasPrefix(strings.TrimSpace(ln), "```") {
			fenced = !fenced
			continue
		}
		if fenced || !strings.HasPrefix(ln, "#") {
			continue
		}
		var b strings.Builder
		for _, r := range strings.ToLower(strings.TrimSpace(strings.TrimLeft(ln, "#"))) {
			switch {
			case r == ' ':
				b.WriteRune('-')
			case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
				b.WriteRune(r)
			}
		}
		slugs[b.String()] = true
	}
	return slugs
}

// docProblems lists the references of a document that do not resolve, as "line: what":
// exists resolves repository paths (from the module root); target resolves a link's path
// and returns the heading anchors of the Markdown file it names.
func docProblems(content string, targets map[string]bool, exists func(path string) bool, target func(link string) (bool, map[string]bool)) []string {
	var out []string
	fenced := false
	for i, ln := range strings.Split(content, "\n") {
		if strings.HasPrefix(strings.TrimSpace(ln), "```") {
			fenced = !fenced
		}
		for _, m := range makeTarget.FindAllStringSubmatch(ln, -1) {
			if !targets[m[1]] {
				out = append(out, fmt.Sprintf("%d: make %s: no such Makefile target", i+1, m[1]))
			}
		}
		for _, m := range repoPath.FindAllStringSubmatch(ln, -1) {
			rp := strings.TrimRight(m[1], ".,:;/") // ./cmd/fpctl/... and end-of-sentence marks
			if !exists(rp) {
				out = append(out, fmt.Sprintf("%d: %s: no such file or directory", i+1, rp))
			}
		}
		if fenced {
			continue // code, not links
		}
		for _, m := range localLink.FindAllStringSubmatch(ln, -1) {
			link, anchor := m[1], m[2]
			if link == "" && anchor == "" {
				continue
			}
			ok, slugs := target(link)
			switch {
			case !ok:
				out = append(out, fmt.Sprintf("%d: link to %s: no such file", i+1, link))
			case anchor != "" && slugs != nil && !slugs[anchor]:
				out = append(out, fmt.Sprintf("%d: link to %s#%s: no such heading", i+1, link, anchor))
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
		"[path](CONTRIBUTING.md#one-request-through-the-code-getevent) and [here](#file-map)", // fine
		"[gone](CONTRIBUTING.md#not-a-heading) and [here](#nothing)",                          // no such headings
	}, "\n")
	target := func(link string) (bool, map[string]bool) {
		if link == "" || link == "CONTRIBUTING.md" {
			return true, headingSlugs("# Contributing\n\n## File map\n\n```sh\n# not a heading\n```\n## One request through the code: `GetEvent`\n")
		}
		return files[link], nil
	}
	got := docProblems(doc, targets, exists, target)
	want := []string{
		"2: make bogus: no such Makefile target",
		"5: fingerprint/gone.go: no such file or directory",
		"6: link to MISSING.md: no such file",
		"8: link to CONTRIBUTING.md#not-a-heading: no such heading",
		"8: link to #nothing: no such heading",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("docProblems:\n got %q\nwant %q", got, want)
	}
}
