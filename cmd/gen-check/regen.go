package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/fpgo/fingerprint-go/internal/aliasgen"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// genDirName is where the generated package lives, relative to the repo root.
const genDirName = "gen"

// fileDiff is one way a committed generated file differs from a fresh run.
type fileDiff struct {
	Path      string // slash-separated, relative to the repo root
	Kind      string // "changed", "missing" or "extra"
	Line      int    // first differing line (1-based) when Kind is "changed"
	Committed string // that line in the committed file
	Generated string // that line in the regenerated file
}

func (d fileDiff) String() string {
	switch d.Kind {
	case "missing":
		return d.Path + ": missing (the generator writes it, it is not committed)"
	case "extra":
		return d.Path + ": extra (committed, but the generator no longer writes it; delete it)"
	default:
		return fmt.Sprintf("%s: first difference at line %d\n    committed: %s\n    generated: %s",
			d.Path, d.Line, clip(d.Committed), clip(d.Generated))
	}
}

// regenerateAndCompare runs every //go:generate directive of gen/ with the
// generator's output redirected to a temporary directory, then compares the
// result with the committed files. It never writes inside root.
func regenerateAndCompare(ctx context.Context, root string) ([]fileDiff, error) {
	genDir := filepath.Join(root, genDirName)
	directives, err := generateDirectives(genDir)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "gen-check-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	outDir := filepath.Join(tmp, "out")

	for i, d := range directives {
		args, err := redirectOutput(d, genDir, outDir, filepath.Join(tmp, fmt.Sprintf("config-%d.yaml", i)))
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", d.file, d.line, err)
		}
		cmd := exec.CommandContext(ctx, args[0], args[1:]...)
		cmd.Dir = genDir // relative paths in the directive and config (overlay) resolve as under go generate
		cmd.Env = append(os.Environ(), "GOFILE="+d.file, "GOPACKAGE="+d.pkg)
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("%s:%d: %s: %w\n%s", d.file, d.line, strings.Join(args, " "), err, out)
		}
	}
	diffs, err := compareTrees(root, genDir, outDir)
	if err != nil {
		return nil, err
	}
	aliasDiff, err := compareAliases(root, outDir)
	if err != nil {
		return nil, err
	}
	return append(diffs, aliasDiff...), nil
}

// aliasesFile is the file cmd/gen-aliases derives from the generated gen source.
const aliasesFile = "fingerprint/models.gen.go"

// compareAliases derives the model aliases from the freshly generated gen source and
// compares them with the committed fingerprint/models.gen.go.
func compareAliases(root, outDir string) ([]fileDiff, error) {
	src, err := os.ReadFile(filepath.Join(outDir, "fingerprint.gen.go"))
	if err != nil {
		return nil, err
	}
	want, err := aliasgen.Generate(src)
	if err != nil {
		return nil, err
	}
	got, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(aliasesFile)))
	if errors.Is(err, fs.ErrNotExist) {
		return []fileDiff{{Path: aliasesFile, Kind: "missing"}}, nil
	} else if err != nil {
		return nil, err
	}
	if d, ok := firstDifference(got, want); ok {
		d.Path = aliasesFile
		return []fileDiff{d}, nil
	}
	return nil, nil
}

// directive is one //go:generate line, split into words.
type directive struct {
	file, pkg string
	line      int
	args      []string
}

// generateDirectives reads the //go:generate lines of the non-test Go files
// directly in genDir, in file order, as go generate would run them.
func generateDirectives(genDir string) ([]directive, error) {
	files, err := filepath.Glob(filepath.Join(genDir, "*.go"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var out []directive
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		ds, err := fileDirectives(f)
		if err != nil {
			return nil, err
		}
		out = append(out, ds...)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no //go:generate directive found in %s", genDir)
	}
	return out, nil
}

var packageClause = regexp.MustCompile(`^package\s+(\w+)`)

func fileDirectives(path string) ([]directive, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var (
		pkg string
		out []directive
	)
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if m := packageClause.FindStringSubmatch(line); m != nil && pkg == "" {
			pkg = m[1]
		}
		rest, ok := strings.CutPrefix(line, "//go:generate ")
		if !ok {
			continue
		}
		if strings.ContainsAny(rest, "\"`") {
			return nil, fmt.Errorf("%s:%d: quoted //go:generate arguments are not supported by gen-check", path, n)
		}
		out = append(out, directive{file: filepath.Base(path), line: n, args: strings.Fields(rest)})
	}
	for i := range out {
		out[i].pkg = pkg
		env := map[string]string{"GOFILE": out[i].file, "GOPACKAGE": pkg, "DOLLAR": "$"}
		for j, a := range out[i].args {
			out[i].args[j] = os.Expand(a, func(k string) string {
				if v, ok := env[k]; ok {
					return v
				}
				return os.Getenv(k)
			})
		}
	}
	return out, sc.Err()
}

// redirectOutput returns d's command line with -config pointing at a copy of
// the config whose output: goes under outDir (keeping its path relative to genDir).
// A rewritten copy is needed because oapi-codegen ignores -o when the config
// sets output.
func redirectOutput(d directive, genDir, outDir, tmpConfig string) ([]string, error) {
	args := append([]string(nil), d.args...)
	idx, cfgPath := -1, ""
	for i, a := range args {
		switch {
		case a == "-config" || a == "--config":
			if i+1 >= len(args) {
				return nil, errors.New("-config without a value")
			}
			idx, cfgPath = i+1, args[i+1]
		case strings.HasPrefix(a, "-config=") || strings.HasPrefix(a, "--config="):
			idx, cfgPath = i, a[strings.Index(a, "=")+1:]
		case a == "-o" || strings.HasPrefix(a, "-o="):
			return nil, errors.New("-o is not supported; set output: in the config file")
		}
	}
	if idx < 0 {
		return nil, errors.New("the directive has no -config; gen-check needs one to redirect the output")
	}
	if !filepath.IsAbs(cfgPath) {
		cfgPath = filepath.Join(genDir, cfgPath)
	}
	cfg, err := os.ReadFile(cfgPath)
	if err != nil {
		return nil, err
	}
	rewritten, err := rewriteOutput(cfg, outDir)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cfgPath, err)
	}
	if err := os.WriteFile(tmpConfig, rewritten, 0o600); err != nil {
		return nil, err
	}
	if strings.Contains(args[idx], "=") {
		args[idx] = "-config=" + tmpConfig
	} else {
		args[idx] = tmpConfig
	}
	return args, nil
}

var outputLine = regexp.MustCompile(`(?m)^output:[ \t]*(.*?)[ \t]*$`)

// rewriteOutput replaces the top-level output: value of an oapi-codegen
// config with the same relative path under outDir.
func rewriteOutput(cfg []byte, outDir string) ([]byte, error) {
	ms := outputLine.FindAllSubmatchIndex(cfg, -1)
	if len(ms) != 1 {
		return nil, fmt.Errorf("expected exactly one top-level output: line, found %d", len(ms))
	}
	value := string(cfg[ms[0][2]:ms[0][3]])
	if i := strings.Index(value, " #"); i >= 0 {
		value = strings.TrimSpace(value[:i])
	}
	value = strings.Trim(value, `"'`)
	if value == "" || filepath.IsAbs(value) || strings.HasPrefix(filepath.Clean(value), "..") {
		return nil, fmt.Errorf("output %q must be a path inside %s/", value, genDirName)
	}
	line := "output: " + strconv.Quote(filepath.Join(outDir, value))
	return append(append(append([]byte(nil), cfg[:ms[0][0]]...), line...), cfg[ms[0][1]:]...), nil
}

// compareTrees compares every file the generator wrote under outDir with the
// same path under genDir, and reports committed *.gen.go files it did not write.
func compareTrees(root, genDir, outDir string) ([]fileDiff, error) {
	generated, err := listFiles(outDir, func(string) bool { return true })
	if err != nil {
		return nil, fmt.Errorf("the generator wrote nothing: %w", err)
	}
	committed, err := listFiles(genDir, func(p string) bool { return strings.HasSuffix(p, ".gen.go") })
	if err != nil {
		return nil, err
	}
	rel := func(p string) string {
		r, _ := filepath.Rel(root, filepath.Join(genDir, p))
		return filepath.ToSlash(r)
	}
	var diffs []fileDiff
	for _, p := range generated {
		want, err := os.ReadFile(filepath.Join(outDir, p))
		if err != nil {
			return nil, err
		}
		got, err := os.ReadFile(filepath.Join(genDir, p))
		if errors.Is(err, fs.ErrNotExist) {
			diffs = append(diffs, fileDiff{Path: rel(p), Kind: "missing"})
			continue
		} else if err != nil {
			return nil, err
		}
		if d, ok := firstDifference(got, want); ok {
			d.Path = rel(p)
			diffs = append(diffs, d)
		}
	}
	wrote := make(map[string]bool, len(generated))
	for _, p := range generated {
		wrote[p] = true
	}
	for _, p := range committed {
		if !wrote[p] {
			diffs = append(diffs, fileDiff{Path: rel(p), Kind: "extra"})
		}
	}
	return diffs, nil
}

// listFiles returns the regular files under dir (relative paths, sorted) that
// keep returns true for, skipping testdata and hidden directories.
func listFiles(dir string, keep func(string) bool) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			if p != dir && (e.Name() == "testdata" || strings.HasPrefix(e.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		r, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		if keep(r) {
			out = append(out, r)
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

// firstDifference reports the first line where committed and generated differ.
func firstDifference(committed, generated []byte) (fileDiff, bool) {
	if bytes.Equal(committed, generated) {
		return fileDiff{}, false
	}
	a := strings.Split(string(committed), "\n")
	b := strings.Split(string(generated), "\n")
	for i := 0; ; i++ {
		la, lb := lineAt(a, i), lineAt(b, i)
		if la != lb || i >= len(a) || i >= len(b) {
			return fileDiff{Kind: "changed", Line: i + 1, Committed: la, Generated: lb}, true
		}
	}
}

const endOfFile = "<end of file>"

func lineAt(lines []string, i int) string {
	if i < len(lines) {
		return lines[i]
	}
	return endOfFile
}

// clip keeps long generated lines readable in CI logs.
func clip(s string) string {
	const max = 160
	if s == "" {
		return "<empty line>"
	}
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}
