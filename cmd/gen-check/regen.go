package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/fpgo/fingerprint-go/internal/aliasgen"
	"github.com/fpgo/fingerprint-go/internal/genrun"
	"github.com/fpgo/fingerprint-go/internal/paramgen"
)

// genDirName is where the generated package lives, relative to the repo root.
const genDirName = genrun.GenDir

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
	tmp, err := os.MkdirTemp("", "gen-check-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp) //nolint:errcheck // best-effort cleanup of a temporary directory
	outDir := filepath.Join(tmp, "out")
	if err := genrun.Regenerate(ctx, root, outDir); err != nil {
		return nil, err
	}
	diffs, err := compareTrees(root, genDir, outDir)
	if err != nil {
		return nil, err
	}
	aliasDiff, err := compareAliases(root, outDir)
	if err != nil {
		return nil, err
	}
	paramDiff, err := compareSearchParams(root, outDir)
	if err != nil {
		return nil, err
	}
	return append(append(diffs, aliasDiff...), paramDiff...), nil
}

// compareSearchParams derives the search parameters (cmd/gen-searchparams) from the
// freshly generated gen source and api/openapi.yaml, and compares them with the
// committed files.
func compareSearchParams(root, outDir string) ([]fileDiff, error) {
	src, err := os.ReadFile(filepath.Join(outDir, "fingerprint.gen.go"))
	if err != nil {
		return nil, err
	}
	spec, err := os.ReadFile(filepath.Join(root, "api", "openapi.yaml"))
	if err != nil {
		return nil, err
	}
	files, err := paramgen.Generate(src, spec)
	if err != nil {
		return nil, err
	}
	var diffs []fileDiff
	for _, f := range []struct {
		path string
		want []byte
	}{{paramgen.SDKFile, files.SDK}, {paramgen.TableFile, files.Table}} {
		got, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(f.path)))
		if errors.Is(err, fs.ErrNotExist) {
			diffs = append(diffs, fileDiff{Path: f.path, Kind: "missing"})
			continue
		} else if err != nil {
			return nil, err
		}
		if d, ok := firstDifference(got, f.want); ok {
			d.Path = f.path
			diffs = append(diffs, d)
		}
	}
	return diffs, nil
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
