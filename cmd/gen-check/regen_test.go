package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/fpgo/fingerprint-go/internal/paramgen"
)

// copyRepo copies what regeneration needs (module files, generator config,
// spec, overlay and gen/) into a temporary directory, so a test can break
// the copy without touching the working tree.
func copyRepo(t *testing.T) string {
	t.Helper()
	src := repoRootForTest(t)
	dst := t.TempDir()
	for _, name := range []string{"go.mod", "go.sum", "tools.go", "oapi-codegen.yaml"} {
		copyFile(t, filepath.Join(src, name), filepath.Join(dst, name))
	}
	for _, dir := range []string{"api", "gen"} {
		if err := os.MkdirAll(filepath.Join(dst, dir), 0o755); err != nil {
			t.Fatal(err)
		}
		entries, err := os.ReadDir(filepath.Join(src, dir))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.Type().IsRegular() && !strings.HasSuffix(e.Name(), "_test.go") {
				copyFile(t, filepath.Join(src, dir, e.Name()), filepath.Join(dst, dir, e.Name()))
			}
		}
	}
	for _, name := range []string{"fingerprint/models.gen.go", paramgen.SDKFile, paramgen.TableFile} {
		to := filepath.Join(dst, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			t.Fatal(err)
		}
		copyFile(t, filepath.Join(src, filepath.FromSlash(name)), to)
	}
	return dst
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// editFile applies fn to a file of the copy.
func editFile(t *testing.T, path string, fn func(string) string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	edited := fn(string(data))
	if edited == string(data) {
		t.Fatalf("edit of %s changed nothing", path)
	}
	if err := os.WriteFile(path, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
}

// runGenCheck runs gen-check in-process and returns its exit code and stdout+stderr.
func runGenCheck(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var out bytes.Buffer
	code := run(context.Background(), args, &out, &out)
	return code, out.String()
}

func TestCleanTreePasses(t *testing.T) {
	t.Parallel()
	code, out := runGenCheck(t, "-root", copyRepo(t))
	if code != exitOK {
		t.Fatalf("exit %d on a clean copy:\n%s", code, out)
	}
	for _, want := range []string{"ok   api/openapi.yaml validates", "ok   gen/, fingerprint/models.gen.go and the search parameters match"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestHandEditOfGenIsDetected(t *testing.T) {
	t.Parallel()
	root := copyRepo(t)
	genFile := filepath.Join(root, "gen", "fingerprint.gen.go")
	var line int
	editFile(t, genFile, func(s string) string {
		lines := strings.Split(s, "\n")
		for i, l := range lines {
			if strings.HasPrefix(l, "type Event struct {") {
				lines[i] = "type Event struct { // hand edit"
				line = i + 1
				break
			}
		}
		return strings.Join(lines, "\n")
	})

	code, out := runGenCheck(t, "-root", root)
	if code != exitDrift {
		t.Fatalf("exit %d, want %d:\n%s", code, exitDrift, out)
	}
	for _, want := range []string{
		"gen/fingerprint.gen.go: first difference at line " + strconv.Itoa(line),
		"committed: type Event struct { // hand edit",
		"generated: type Event struct {",
		"fix: run `go generate ./gen ./fingerprint`",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// gen-check reports; it never rewrites the committed file.
	data, _ := os.ReadFile(genFile)
	if !strings.Contains(string(data), "// hand edit") {
		t.Error("gen-check overwrote the committed file")
	}
}

// A search parameter added to the spec without `make generate` leaves the SDK's
// parameters stale, and gen-check names both generated files.
func TestStaleSearchParamsAreDetected(t *testing.T) {
	t.Parallel()
	root := copyRepo(t)
	editFile(t, filepath.Join(root, "internal", "searchparams", "params.gen.go"), func(s string) string {
		return strings.Replace(s, `Max: ptr(100)`, `Max: ptr(50)`, 1)
	})
	editFile(t, filepath.Join(root, "fingerprint", "search_params.gen.go"), func(s string) string {
		return strings.Replace(s, "p.Limit > 100", "p.Limit > 50", 1)
	})
	code, out := runGenCheck(t, "-root", root)
	if code != exitDrift {
		t.Fatalf("exit %d, want %d:\n%s", code, exitDrift, out)
	}
	for _, want := range []string{paramgen.SDKFile + ": first difference at line", paramgen.TableFile + ": first difference at line"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestStaleModelAliasesAreDetected(t *testing.T) {
	t.Parallel()
	root := copyRepo(t)
	aliases := filepath.Join(root, "fingerprint", "models.gen.go")
	editFile(t, aliases, func(s string) string {
		return strings.Replace(s, "type EventUpdate = gen.EventUpdate\n", "", 1)
	})
	code, out := runGenCheck(t, "-root", root)
	if code != exitDrift || !strings.Contains(out, "fingerprint/models.gen.go: first difference at line") {
		t.Fatalf("exit %d, want %d and the alias file named:\n%s", code, exitDrift, out)
	}

	if err := os.Remove(aliases); err != nil {
		t.Fatal(err)
	}
	code, out = runGenCheck(t, "-root", root)
	if code != exitDrift || !strings.Contains(out, "fingerprint/models.gen.go: missing") {
		t.Fatalf("exit %d, want %d and the missing alias file named:\n%s", code, exitDrift, out)
	}
}

func TestExtraGenFileIsDetected(t *testing.T) {
	t.Parallel()
	root := copyRepo(t)
	if err := os.WriteFile(filepath.Join(root, "gen", "stale.gen.go"), []byte("package gen\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out := runGenCheck(t, "-root", root)
	if code != exitDrift || !strings.Contains(out, "gen/stale.gen.go: extra") {
		t.Fatalf("exit %d, want %d and the extra file named:\n%s", code, exitDrift, out)
	}
}

func TestMissingGenFileIsDetected(t *testing.T) {
	t.Parallel()
	root := copyRepo(t)
	if err := os.Remove(filepath.Join(root, "gen", "fingerprint.gen.go")); err != nil {
		t.Fatal(err)
	}
	code, out := runGenCheck(t, "-root", root)
	if code != exitDrift || !strings.Contains(out, "gen/fingerprint.gen.go: missing") {
		t.Fatalf("exit %d, want %d and the missing file named:\n%s", code, exitDrift, out)
	}
}

// A spec change that was not regenerated: a new Event property.
func TestSpecChangeWithoutRegenerationIsDetected(t *testing.T) {
	t.Parallel()
	root := copyRepo(t)
	editFile(t, filepath.Join(root, "api", "openapi.yaml"), func(s string) string {
		event := regexp.MustCompile(`(?m)^    Event:\n(?:      .*\n|\s*\n)*?      properties:\n`)
		loc := event.FindStringIndex(s)
		if loc == nil {
			t.Fatal("components.schemas.Event.properties not found in the spec copy")
		}
		return s[:loc[1]] + "        zz_future_flag:\n          type: boolean\n" + s[loc[1]:]
	})
	code, out := runGenCheck(t, "-root", root)
	if code != exitDrift {
		t.Fatalf("exit %d, want %d:\n%s", code, exitDrift, out)
	}
	if !strings.Contains(out, "generated:") || !strings.Contains(out, "ZzFutureFlag") {
		t.Errorf("want the first difference to show the new field ZzFutureFlag:\n%s", out)
	}
}

func TestInvalidSpecFailsValidation(t *testing.T) {
	t.Parallel()
	root := copyRepo(t)
	// info.title is required by OpenAPI; removing it does not affect the generator.
	editFile(t, filepath.Join(root, "api", "openapi.yaml"), func(s string) string {
		return regexp.MustCompile(`(?m)^  title: .*\n`).ReplaceAllString(s, "")
	})
	code, out := runGenCheck(t, "-root", root)
	if code != exitDrift || !strings.Contains(out, "FAIL api/openapi.yaml does not validate") {
		t.Fatalf("exit %d, want %d and a validation failure:\n%s", code, exitDrift, out)
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"-no-such-flag"},
		{"stray-argument"},
		{"-root", t.TempDir()}, // no go.mod there
	} {
		if code, out := runGenCheck(t, args...); code != exitInternal {
			t.Errorf("%q: exit %d, want %d:\n%s", args, code, exitInternal, out)
		}
	}
}

func TestUpstreamDriftFailsTheRun(t *testing.T) {
	t.Parallel()
	root := copyRepo(t)
	code, out := runGenCheck(t, "-root", root, "-upstream", "testdata/base.yaml")
	if code != exitDrift || !strings.Contains(out, "drift: only upstream [operation] GET /widgets/{widget_id}") {
		t.Fatalf("exit %d, want %d and the unknown operation listed:\n%s", code, exitDrift, out)
	}
	code, out = runGenCheck(t, "-root", root, "-upstream", "testdata/does-not-exist.yaml")
	if code != exitInternal {
		t.Fatalf("unreadable -upstream: exit %d, want %d:\n%s", code, exitInternal, out)
	}
}

func TestFirstDifference(t *testing.T) {
	tests := []struct {
		a, b     string
		line     int
		got, gen string
	}{
		{"a\nb\nc\n", "a\nB\nc\n", 2, "b", "B"},
		{"a\nb\n", "a\nb\nc\n", 3, "", "c"},
		{"a\nb", "a\nb\n", 3, endOfFile, ""},
	}
	for _, tc := range tests {
		d, ok := firstDifference([]byte(tc.a), []byte(tc.b))
		if !ok || d.Line != tc.line || d.Committed != tc.got || d.Generated != tc.gen {
			t.Errorf("firstDifference(%q, %q) = %+v, %v; want line %d %q/%q", tc.a, tc.b, d, ok, tc.line, tc.got, tc.gen)
		}
	}
	if _, ok := firstDifference([]byte("same\n"), []byte("same\n")); ok {
		t.Error("equal inputs reported as different")
	}
}
