package readmecheck

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// README shape: what a newcomer meets first. The limits are the ones CONTRIBUTING.md sets
// for the README (details go to docs/).
const (
	maxREADMELines   = 420 // "about 400"
	maxFirstGoLine   = 60  // the first line of Go comes early
	quickstartCmd    = "go run ./examples/quickstart"
	wholeSuiteCmd    = "go test ./..."
	readmeFirstBlock = "```sh"
)

// TestREADMEShape checks that README.md starts with the two commands that work on a fresh
// machine with only Go (the quickstart and the whole suite, which .ci/run also runs), shows
// Go code within its first 60 lines, and stays about 400 lines long.
func TestREADMEShape(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(moduleRoot(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range readmeShapeProblems(string(data)) {
		t.Error(p)
	}
}

func readmeShapeProblems(readme string) []string {
	var out []string
	lines := strings.Split(strings.TrimRight(readme, "\n"), "\n")
	if len(lines) > maxREADMELines {
		out = append(out, fmt.Sprintf("README.md has %d lines, more than %d: move details to docs/ (CONTRIBUTING.md)", len(lines), maxREADMELines))
	}
	first, firstGo := -1, -1
	for i, ln := range lines {
		s := strings.TrimSpace(ln)
		if first < 0 && strings.HasPrefix(s, "```") {
			first = i
		}
		if s == "```go" {
			firstGo = i + 1
			break
		}
	}
	switch {
	case first < 0 || strings.TrimSpace(lines[first]) != readmeFirstBlock || first+2 >= len(lines):
		out = append(out, "README.md's first code block must be a sh block with the quickstart and the test suite")
	case !strings.HasPrefix(strings.TrimSpace(lines[first+1]), quickstartCmd) || !strings.HasPrefix(strings.TrimSpace(lines[first+2]), wholeSuiteCmd):
		out = append(out, "README.md's first code block must start with "+quickstartCmd+" and then "+wholeSuiteCmd)
	}
	if firstGo < 0 || firstGo+1 > maxFirstGoLine {
		out = append(out, fmt.Sprintf("README.md's first Go block must start within its first %d lines", maxFirstGoLine))
	}
	return out
}

func TestREADMEShapeProblems(t *testing.T) {
	good := "# x\n\n```sh\ngo run ./examples/quickstart   # tour\ngo test ./...   # suite\n```\n\n```go\nx := 1\n```\n"
	if p := readmeShapeProblems(good); len(p) != 0 {
		t.Errorf("a good README: %q", p)
	}
	swapped := strings.Replace(strings.Replace(good, "go run ./examples/quickstart", "TMP", 1), "go test ./...", "go run ./examples/quickstart", 1)
	swapped = strings.Replace(swapped, "TMP", "go test ./...", 1)
	if p := readmeShapeProblems(swapped); len(p) != 1 {
		t.Errorf("commands in the wrong order: %q", p)
	}
	late := strings.Replace(good, "```go", strings.Repeat("\n", 70)+"```go", 1)
	if p := readmeShapeProblems(late); len(p) != 1 || !strings.Contains(p[0], "first Go block") {
		t.Errorf("Go after line 60: %q", p)
	}
	long := good + strings.Repeat("line\n", 500)
	if p := readmeShapeProblems(long); len(p) != 1 || !strings.Contains(p[0], "lines") {
		t.Errorf("a long README: %q", p)
	}
}
