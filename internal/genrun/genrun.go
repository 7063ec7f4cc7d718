// Package genrun regenerates package gen into a directory of the caller's choice, by
// running the //go:generate directives of gen/ exactly as `go generate` would but with
// the generator's output redirected. cmd/gen-check uses it to compare a fresh run with
// the committed files; cmd/check-api's tests use it to see what a spec edit does to the
// exported Go API, without ever writing inside the repository.
package genrun

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// GenDir is where the generated package lives, relative to the repository root.
const GenDir = "gen"

// Regenerate runs every //go:generate directive of root/gen with the output of each
// oapi-codegen config redirected under outDir (the same relative path it has under gen/).
// Scratch files live in a temporary directory that is removed on return.
func Regenerate(ctx context.Context, root, outDir string) error {
	genDir := filepath.Join(root, GenDir)
	directives, err := generateDirectives(genDir)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "genrun-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp) //nolint:errcheck // best-effort cleanup of a temporary directory
	for i, d := range directives {
		args, err := redirectOutput(d, genDir, outDir, filepath.Join(tmp, fmt.Sprintf("config-%d.yaml", i)))
		if err != nil {
			return fmt.Errorf("%s:%d: %w", d.file, d.line, err)
		}
		cmd := exec.CommandContext(ctx, args[0], args[1:]...)
		cmd.Dir = genDir // relative paths in the directive and config (overlay) resolve as under go generate
		cmd.Env = append(os.Environ(), "GOFILE="+d.file, "GOPACKAGE="+d.pkg)
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("%s:%d: %s: %w\n%s", d.file, d.line, strings.Join(args, " "), err, out)
		}
	}
	return nil
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
	if err := os.WriteFile(tmpConfig, rewritten, 0o600); err != nil { //nolint:gosec // G703: tmpConfig is in our own os.MkdirTemp directory
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
		return nil, fmt.Errorf("output %q must be a path inside %s/", value, GenDir)
	}
	line := "output: " + strconv.Quote(filepath.Join(outDir, value))
	return append(append(append([]byte(nil), cfg[:ms[0][0]]...), line...), cfg[ms[0][1]:]...), nil
}
