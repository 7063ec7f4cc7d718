// Package readmecheck compiles every Go block of the repository's reader-facing documents
// (README.md, CONTRIBUTING.md, MIGRATING.md, docs/*.md), so that the code a reader copies builds
// against the current API, and checks that the paths and make targets they name exist;
// it also checks that the CI workflows pin their actions by commit SHA.
package readmecheck

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// docs are the documents whose Go blocks must compile, with the fewest Go blocks each
// holds today: fewer means the extractor broke (or a document lost its examples).
var docs = []struct {
	name      string
	minBlocks int
}{
	{"README.md", 6},
	{"CONTRIBUTING.md", 1},
	{"MIGRATING.md", 4},
	{"docs/guide.md", 10},
	{"docs/testing.md", 2},
	{"RELIABILITY.md", 0},
	{"BENCHMARKS.md", 0},
	{"SECURITY.md", 0},
}

// block is one fenced ```go block of a document.
type block struct {
	doc  string // the document's file name, e.g. README.md
	line int    // the document's line of the block's first code line
	code string // the code between the fences
}

// docBlocks returns the ```go blocks of the document doc (its content) in order.
func docBlocks(t *testing.T, doc string, content []byte) []block {
	t.Helper()
	var (
		blocks []block
		cur    *block
		buf    strings.Builder
	)
	for i, ln := range strings.Split(string(content), "\n") {
		trimmed := strings.TrimSpace(ln)
		switch {
		case cur == nil && trimmed == "```go":
			cur = &block{doc: doc, line: i + 2}
			buf.Reset()
		case cur != nil && trimmed == "```":
			cur.code = buf.String()
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil:
			buf.WriteString(ln)
			buf.WriteByte('\n')
		}
	}
	if cur != nil {
		t.Fatalf("%s:%d: unterminated ```go block", doc, cur.line-1)
	}
	return blocks
}

// knownPackages maps the package names the blocks use to their import paths; a block
// gets the imports it references, so fragments need no import lines of their own.
var knownPackages = map[string]string{
	"context":         "context",
	"errors":          "errors",
	"fmt":             "fmt",
	"http":            "net/http",
	"httptest":        "net/http/httptest",
	"io":              "io",
	"json":            "encoding/json",
	"log":             "log",
	"os":              "os",
	"slog":            "log/slog",
	"strings":         "strings",
	"sync":            "sync",
	"testing":         "testing",
	"time":            "time",
	"url":             "net/url",
	"fingerprint":     "github.com/fpgo/fingerprint-go/fingerprint",
	"fingerprinttest": "github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest",
	"webhook":         "github.com/fpgo/fingerprint-go/fingerprint/webhook",
	"sealed":          "github.com/fpgo/fingerprint-go/fingerprint/sealed",
	"edge":            "github.com/fpgo/fingerprint-go/fingerprint/edge",
	"gen":             "github.com/fpgo/fingerprint-go/gen",
}

// preamble declares the names that fragments use without declaring them: the
// context, a client, IDs, the handler's request and writer, and a store.
const preamble = `
var (
	ctx               context.Context
	client            *fingerprint.Client
	eventID           string
	visitorID         string
	r                 *http.Request
	w                 http.ResponseWriter
	mux               *http.ServeMux
	secret            string
	sealedFromBrowser string
	srv               *fingerprinttest.Server
	t                 *testing.T
	store             interface {
		SaveOnce(ctx context.Context, id string, ev *fingerprint.Event) error
	}
	// The checkpointing example's placeholders for the reader's own storage.
	since          time.Time
	loadCheckpoint func() string
	save           func(events []fingerprint.Event) error
	saveCheckpoint func(key string)
)
`

var (
	importLine = regexp.MustCompile(`^import\s+"([^"]+)"\s*$`)
	compileErr = regexp.MustCompile(`^((?:docs/)?[A-Za-z]+\.md):(\d+)(:\d+)?: (.*)$`)
)

// source turns a block into a Go file of package name pkg. Blocks of top-level
// declarations are compiled as they are; fragments of statements become the body of a
// function returning error (so "return err" works). Both are compiled strictly: a variable
// a block declares and never uses is an error, as it would be in the reader's code.
func source(b block, pkg string) (src string, fragment bool) {
	var code strings.Builder
	var imports []string
	for _, ln := range strings.Split(b.code, "\n") {
		if m := importLine.FindStringSubmatch(strings.TrimSpace(ln)); m != nil {
			imports = append(imports, m[1])
			code.WriteString("\n") // keep line numbers
			continue
		}
		code.WriteString(ln)
		code.WriteByte('\n')
	}
	body := code.String()
	// A block that parses as a file of declarations is one; anything else is statements.
	_, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+body, parser.SkipObjectResolution)
	fragment = err != nil
	var file strings.Builder
	fmt.Fprintf(&file, "package %s\n\n", pkg)
	var decl strings.Builder
	decl.WriteString(preamble)
	if fragment {
		fmt.Fprintf(&decl, "\nfunc _() error {\n//line %s:%d\n%s\nreturn nil\n}\n", b.doc, b.line, body)
	} else {
		fmt.Fprintf(&decl, "\n//line %s:%d\n%s", b.doc, b.line, body)
	}
	imports = append(imports, usedPackages(decl.String())...)
	sort.Strings(imports)
	seen := map[string]bool{}
	for _, p := range imports {
		if !seen[p] {
			seen[p] = true
			fmt.Fprintf(&file, "import %q\n", p)
		}
	}
	file.WriteString(decl.String())
	// The preamble's names may be unused by a block; blank uses keep the compiler quiet.
	file.WriteString("\nvar _, _, _, _, _, _, _, _, _, _, _, _, _, _, _, _ = ctx, client, eventID, visitorID, r, w, mux, secret, sealedFromBrowser, srv, t, store, since, loadCheckpoint, save, saveCheckpoint\n")
	return file.String(), fragment
}

// usedPackages lists the import paths of the known packages src refers to as pkg.Name.
func usedPackages(src string) []string {
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+src, parser.SkipObjectResolution)
	if err != nil {
		// A syntax error: import what the text mentions, the compiler reports the rest.
		var out []string
		for name, path := range knownPackages {
			if strings.Contains(src, name+".") {
				out = append(out, path)
			}
		}
		return out
	}
	used := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok {
				if path, ok := knownPackages[id.Name]; ok {
					used[path] = true
				}
			}
		}
		return true
	})
	out := make([]string, 0, len(used))
	for p := range used {
		out = append(out, p)
	}
	return out
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		t.Fatalf("module root not found at %s: %v", dir, err)
	}
	return dir
}

// TestDocGoBlocksCompile builds every ```go block of the documents in docs (README.md,
// CONTRIBUTING.md, MIGRATING.md, docs/*.md, ...) with the go command, each as its own package inside the module (so it
// imports this module's packages at HEAD), in one go build.
func TestDocGoBlocksCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds every Go block of the documents with the go command; skipped with -short")
	}
	root := moduleRoot(t)
	var blocks []block
	for _, d := range docs {
		content, err := os.ReadFile(filepath.Join(root, d.name))
		if err != nil {
			t.Fatal(err)
		}
		bs := docBlocks(t, d.name, content)
		if len(bs) < d.minBlocks {
			t.Fatalf("found %d Go blocks in %s, want at least %d; the extractor is probably broken", len(bs), d.name, d.minBlocks)
		}
		blocks = append(blocks, bs...)
	}
	// A directory starting with "_" is ignored by ./... patterns, so a crashed run leaves
	// nothing that go test ./... or go vet ./... would pick up.
	tmp, err := os.MkdirTemp(filepath.Join(root, "internal", "readmecheck"), "_blocks")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// It sits inside the module: say so if it stays behind.
		if err := os.RemoveAll(tmp); err != nil {
			t.Errorf("remove the blocks' build directory: %v", err)
		}
	})
	var dirs []string
	for i, b := range blocks {
		pkg := fmt.Sprintf("b%02d", i+1)
		src, _ := source(b, pkg)
		dir := filepath.Join(tmp, pkg)
		if err := os.Mkdir(dir, 0o750); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "block.go"), []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, "./"+filepath.ToSlash(mustRel(t, root, dir)))
	}
	cmd := exec.CommandContext(t.Context(), "go", append([]string{"build"}, dirs...)...)
	cmd.Dir = root
	out, _ := cmd.CombinedOutput()

	var problems []string
	for _, ln := range strings.Split(string(bytes.TrimSpace(out)), "\n") {
		if strings.HasPrefix(ln, "# ") {
			continue
		}
		m := compileErr.FindStringSubmatch(strings.TrimSpace(ln))
		if m == nil {
			if s := strings.TrimSpace(ln); s != "" && !strings.HasPrefix(s, "too many errors") && !strings.HasPrefix(s, "go: downloading") {
				problems = append(problems, ln)
			}
			continue
		}
		problems = append(problems, fmt.Sprintf("%s:%s: %s", m[1], m[2], m[4]))
	}
	if len(problems) > 0 {
		t.Errorf("Go blocks of the documents do not compile:\n%s", strings.Join(problems, "\n"))
	}
}

func mustRel(t *testing.T, base, target string) string {
	t.Helper()
	rel, err := filepath.Rel(base, target)
	if err != nil {
		t.Fatal(err)
	}
	return rel
}

// TestSourceWrapsFragments pins the wrapping rules the README check relies on.
func TestSourceWrapsFragments(t *testing.T) {
	src, fragment := source(block{doc: "README.md", line: 7, code: "import \"github.com/fpgo/fingerprint-go/fingerprint\"\n\nev, err := client.GetEvent(ctx, eventID, nil)\n"}, "p")
	if !fragment {
		t.Error("a statement block must be treated as a fragment")
	}
	for _, want := range []string{"func _() error {", "//line README.md:7", `import "github.com/fpgo/fingerprint-go/fingerprint"`, `import "context"`} {
		if !strings.Contains(src, want) {
			t.Errorf("wrapped source lacks %q:\n%s", want, src)
		}
	}
	if _, fragment := source(block{doc: "CONTRIBUTING.md", line: 1, code: "func TestX(t *testing.T) {}\n"}, "p"); fragment {
		t.Error("a block with a top-level func must be compiled as declarations")
	}
}
