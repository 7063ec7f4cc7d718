// Command gen-aliases writes fingerprint/models.gen.go from gen/fingerprint.gen.go: an
// alias with documentation for every API model type of package gen, and its enum values.
//
// Usage, from the repository root (or through `go generate ./gen ./fingerprint`):
//
//	go run ./cmd/gen-aliases [-in gen/fingerprint.gen.go] [-out fingerprint/models.gen.go]
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/fpgo/fingerprint-go/internal/aliasgen"
)

func main() {
	in := flag.String("in", "gen/fingerprint.gen.go", "generated gen source to read")
	out := flag.String("out", "fingerprint/models.gen.go", "file to write")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen-aliases:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	src, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	code, err := aliasgen.Generate(src)
	if err != nil {
		return err
	}
	return os.WriteFile(out, code, 0o644) //nolint:gosec // G703: out is the -o path the maintainer (go generate) passes
}
