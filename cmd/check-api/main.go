// Command check-api is the compatibility gate of the module's exported Go API.
//
// It lists the exported API of every public package of the module (every package that
// is neither a command nor under internal/, found with `go list ./...`, so a new
// package is covered without configuration): one line per exported fact (constants
// with type and value, variables, function signatures, types and their kind, struct
// fields with their types, methods of types and interfaces), in the style of the Go
// project's api/*.txt files. It compares the listing with the committed baseline under
// api/go/ and fails on every incompatible change, naming it; compatible additions are
// listed and pass. With -write it rewrites the baseline instead.
//
// Usage:
//
//	go run ./cmd/check-api [-root DIR] [-baseline DIR] [-write | -strict]
//
// Exit status: 0 compatible, 1 incompatible change (or, with -strict, a baseline that
// differs from the code at all), 2 usage or internal error.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/fpgo/fingerprint-go/internal/cliout"
	"github.com/fpgo/fingerprint-go/internal/genrun"
)

const (
	exitOK       = 0
	exitBreaking = 1
	exitInternal = 2
)

// defaultBaseline is the baseline directory relative to the module root.
const defaultBaseline = "api/go"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// options are the parsed flags; overlay is for tests (see loadAPI).
type options struct {
	root, baseline string
	write, strict  bool
	overlay        map[string][]byte
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check-api", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.StringVar(&o.root, "root", "", "module root (default: the nearest directory upward holding go.mod)")
	fs.StringVar(&o.baseline, "baseline", "", "baseline directory (default: ROOT/"+defaultBaseline+")")
	fs.BoolVar(&o.write, "write", false, "rewrite the baseline from the code instead of checking")
	fs.BoolVar(&o.strict, "strict", false, "also fail when the baseline lacks compatible additions (release-check)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: check-api [-root DIR] [-baseline DIR] [-write | -strict]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitInternal
	}
	if fs.NArg() > 0 || (o.write && o.strict) {
		fmt.Fprintln(stderr, "check-api: unexpected arguments or -write with -strict")
		fs.Usage()
		return exitInternal
	}
	return check(o, stdout, stderr)
}

// check runs the gate (or, with o.write, rewrites the baseline). A report that could not
// be written (a closed pipe) is an internal error: its reader never saw the verdict.
func check(o options, stdout, stderr io.Writer) int {
	out := &cliout.Writer{W: stdout}
	code := gate(o, out, stderr)
	if err := out.Err(); err != nil {
		fmt.Fprintln(stderr, "check-api: writing the report:", err)
		return exitInternal
	}
	return code
}

// gate is check with every write of the report going to stdout.
func gate(o options, stdout, stderr io.Writer) int {
	root, err := genrun.ModuleRoot(o.root)
	if err != nil {
		fmt.Fprintln(stderr, "check-api:", err)
		return exitInternal
	}
	dir := o.baseline
	if dir == "" {
		dir = filepath.Join(root, filepath.FromSlash(defaultBaseline))
	}
	pkgs, err := loadAPI(root, o.overlay)
	if err != nil {
		fmt.Fprintln(stderr, "check-api:", err)
		return exitInternal
	}
	if len(pkgs) == 0 {
		fmt.Fprintln(stderr, "check-api: no public package found under", root)
		return exitInternal
	}
	var broken []string
	for _, p := range pkgs {
		if len(p.errs) > 0 {
			broken = append(broken, p.rel)
			fmt.Fprintf(stdout, "FAIL package %s does not compile, so its listing may be incomplete:\n  %s\n", p.rel, strings.Join(p.errs, "\n  "))
		}
	}
	if o.write {
		if len(broken) > 0 {
			fmt.Fprintln(stderr, "check-api: not writing a baseline from code that does not compile")
			return exitInternal
		}
		if err := writeBaseline(dir, pkgs); err != nil {
			fmt.Fprintln(stderr, "check-api:", err)
			return exitInternal
		}
		fmt.Fprintf(stdout, "wrote the exported API of %d packages to %s\n", len(pkgs), dir)
		return exitOK
	}
	base, err := readBaseline(dir)
	if err != nil {
		fmt.Fprintln(stderr, "check-api:", err)
		return exitInternal
	}
	changes := compareAll(base, pkgs)
	var breaking, compatible int
	for _, c := range changes {
		tag := "added   "
		if c.breaking {
			tag, breaking = "BREAKING", breaking+1
		} else {
			compatible++
		}
		fmt.Fprintln(stdout, tag, c)
	}
	names := make([]string, len(pkgs))
	for i, p := range pkgs {
		names[i] = p.rel
	}
	scope := fmt.Sprintf("%d packages (%s)", len(pkgs), strings.Join(names, ", "))
	switch {
	case len(broken) > 0:
		fmt.Fprintf(stdout, "FAIL %d incompatible change(s) found; %d package(s) do not compile (%s).\n", breaking, len(broken), strings.Join(broken, ", "))
		return exitBreaking
	case breaking > 0:
		fmt.Fprintf(stdout, "FAIL %d incompatible change(s) to the exported API of %s since %s.\n", breaking, scope, dir)
		fmt.Fprintln(stdout, "     If deliberate: list each in CHANGELOG.md (Unreleased: Changed/Removed), bump the version as CONTRIBUTING.md \"Versioning\" says, then run `make update-api`.")
		return exitBreaking
	case o.strict && compatible > 0:
		fmt.Fprintf(stdout, "FAIL %s lacks %d compatible change(s); run `make update-api` and commit the result.\n", dir, compatible)
		return exitBreaking
	case compatible > 0:
		fmt.Fprintf(stdout, "ok   exported API of %s is compatible with %s; %d addition(s) not yet recorded (`make update-api`).\n", scope, dir, compatible)
	default:
		fmt.Fprintf(stdout, "ok   exported API of %s matches %s.\n", scope, dir)
	}
	return exitOK
}

// compareAll compares every package of the baseline and of the code. A new package is
// one compatible change; a package that disappeared is one breaking change.
func compareAll(base baseline, pkgs []apiPackage) []change {
	var out []change
	seen := map[string]bool{}
	for _, p := range pkgs {
		seen[p.rel] = true
		old, ok := base[p.rel]
		if !ok {
			out = append(out, change{what: "package " + p.path, how: fmt.Sprintf("added (%d exported facts)", len(p.facts))})
			continue
		}
		out = append(out, compareFacts(p.name, old, p.facts)...)
	}
	var gone []string
	for rel := range base {
		if !seen[rel] {
			gone = append(gone, rel)
		}
	}
	sort.Strings(gone)
	for _, rel := range gone {
		out = append(out, change{what: "package " + rel, how: "removed", breaking: true})
	}
	return out
}
