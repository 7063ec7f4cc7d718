// Command gen-searchparams writes fingerprint/search_params.gen.go (the SearchEventsParams
// type, its encoding, checks and copy) and internal/searchparams/params.gen.go (the list
// the CLI builds its search flags from) from api/openapi.yaml and gen/fingerprint.gen.go.
//
// Usage, from the repository root (or through `go generate ./gen ./fingerprint`):
//
//	go run ./cmd/gen-searchparams [-gen gen/fingerprint.gen.go] [-spec api/openapi.yaml]
//		[-out fingerprint/search_params.gen.go] [-table internal/searchparams/params.gen.go]
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/fpgo/fingerprint-go/internal/paramgen"
)

func main() {
	genIn := flag.String("gen", "gen/fingerprint.gen.go", "generated gen source to read")
	spec := flag.String("spec", "api/openapi.yaml", "OpenAPI description to read")
	out := flag.String("out", paramgen.SDKFile, "SDK file to write")
	table := flag.String("table", paramgen.TableFile, "parameter list to write")
	flag.Parse()
	if err := run(*genIn, *spec, *out, *table); err != nil {
		fmt.Fprintln(os.Stderr, "gen-searchparams:", err)
		os.Exit(1)
	}
}

func run(genIn, spec, out, table string) error {
	src, err := os.ReadFile(genIn)
	if err != nil {
		return err
	}
	doc, err := os.ReadFile(spec)
	if err != nil {
		return err
	}
	files, err := paramgen.Generate(src, doc)
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, files.SDK, 0o644); err != nil { //nolint:gosec // G306/G703: committed source (0644, as git checks out) at the path go generate passes
		return err
	}
	return os.WriteFile(table, files.Table, 0o644) //nolint:gosec // G306/G703: as above
}
