package main

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// baseline is the committed API: package path relative to the module root -> facts.
type baseline map[string][]fact

// readBaseline parses every *.txt file under dir. A missing dir is an empty baseline.
func readBaseline(dir string) (baseline, error) {
	b := baseline{}
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == dir {
				return filepath.SkipDir
			}
			return err
		}
		if e.IsDir() || !strings.HasSuffix(p, ".txt") {
			return nil
		}
		r, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel := strings.TrimSuffix(filepath.ToSlash(r), ".txt")
		if rel == "_root" {
			rel = "."
		}
		facts, err := readFacts(p)
		if err != nil {
			return err
		}
		b[rel] = facts
		return nil
	})
	return b, err
}

func readFacts(path string) ([]fact, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close() //nolint:errcheck // read-only file: a Close error cannot lose data
	var facts []fact
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		ft, err := parseLine(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		facts = append(facts, ft)
	}
	return facts, sc.Err()
}

// render is the text of a package's baseline file.
func render(p apiPackage) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "# Exported API of %s: one line per exported fact, sorted.\n", p.path)
	b.WriteString("# `make check-api` compares the code with it; `make update-api` rewrites it after a deliberate change.\n")
	for _, f := range p.facts {
		b.WriteString(f.line())
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

// writeBaseline writes one file per package under dir and removes the files of
// packages that no longer exist, so the baseline is exactly the current API.
func writeBaseline(dir string, pkgs []apiPackage) error {
	want := map[string]bool{}
	for _, p := range pkgs {
		file := filepath.Join(dir, filepath.FromSlash(baselineFile(p.rel)))
		want[file] = true
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(file, render(p), 0o644); err != nil {
			return err
		}
	}
	return filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || !strings.HasSuffix(p, ".txt") || want[p] {
			return err
		}
		return os.Remove(p) //nolint:gosec // G122: a stale file of the baseline directory the maintainer passed, in their own checkout
	})
}
