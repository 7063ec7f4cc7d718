// Command gen-check is CI's guard for the generation pipeline.
//
// It validates api/openapi.yaml with kin-openapi, regenerates gen/ with the
// pinned oapi-codegen into a temporary directory and compares the result byte
// for byte with the committed gen/*.gen.go files. With -upstream it also lists
// every wire-level difference between our spec and another description of the
// API (normally the vendor's), so maintainers notice API drift. That description
// is a file or an http(s):// URL, in one file or split into several by relative
// $refs; its size, file count and load time are bounded, and its $refs may not
// leave its directory or origin.
//
// Usage:
//
//	go run ./cmd/gen-check [-root DIR] [-upstream FILE|URL]
//
// Exit status: 0 when everything is in sync, 1 on drift or out-of-date gen/,
// 2 on a usage or internal error.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/fpgo/fingerprint-go/internal/cliout"
	"github.com/fpgo/fingerprint-go/internal/genrun"
)

// Exit codes.
const (
	exitOK       = 0
	exitDrift    = 1
	exitInternal = 2
)

// fixCommand is what a maintainer runs to bring gen/ back in sync.
const fixCommand = "go generate ./gen ./fingerprint"

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without the process: it returns the exit code, which lets tests
// drive every check in-process.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gen-check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	root := fs.String("root", "", "repository root (default: the nearest directory upward holding go.mod)")
	upstream := fs.String("upstream", "", "another OpenAPI description to compare wire facts with (e.g. the vendor's): a file or an http(s):// URL, in one file or several")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: gen-check [-root DIR] [-upstream FILE|URL]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitInternal
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "gen-check: unexpected arguments: %v\n", fs.Args())
		fs.Usage()
		return exitInternal
	}

	dir, err := genrun.ModuleRoot(*root)
	if err != nil {
		fmt.Fprintln(stderr, "gen-check:", err)
		return exitInternal
	}
	specPath := filepath.Join(dir, "api", "openapi.yaml")
	// Scripts read the report: a failed write (closed pipe) must not pass as "ok".
	out := &cliout.Writer{W: stdout}
	stdout = out

	code := exitOK
	worse := func(c int) {
		if c > code {
			code = c
		}
	}

	if err := validateSpec(ctx, specPath); err != nil {
		fmt.Fprintln(stdout, "FAIL api/openapi.yaml does not validate:", err)
		worse(exitDrift)
	} else {
		fmt.Fprintln(stdout, "ok   api/openapi.yaml validates (kin-openapi)")
	}

	diffs, err := regenerateAndCompare(ctx, dir)
	switch {
	case err != nil:
		fmt.Fprintln(stderr, "gen-check: regenerating gen/:", err)
		worse(exitInternal)
	case len(diffs) > 0:
		fmt.Fprintf(stdout, "FAIL generated code is out of date with api/openapi.yaml (%d file(s) differ):\n", len(diffs))
		for _, d := range diffs {
			fmt.Fprintln(stdout, "  "+d.String())
		}
		fmt.Fprintf(stdout, "fix: run `%s` from the repository root and commit the result\n", fixCommand)
		worse(exitDrift)
	default:
		fmt.Fprintln(stdout, "ok   gen/, fingerprint/models.gen.go and the search parameters match a fresh regeneration")
	}

	if *upstream != "" {
		report, err := compareSpecs(ctx, specPath, *upstream)
		if err != nil {
			fmt.Fprintln(stderr, "gen-check: -upstream:", err)
			worse(exitInternal)
		} else {
			report.write(stdout, "api/openapi.yaml", *upstream)
			report.writeSummary(stdout, "api/openapi.yaml")
			if !report.inSync() {
				worse(exitDrift)
			}
		}
	}
	if err := out.Err(); err != nil {
		fmt.Fprintln(stderr, "gen-check: writing the report:", err)
		worse(exitInternal)
	}
	return code
}
