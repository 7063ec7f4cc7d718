package cli

import (
	"fmt"
	"io"
	"runtime/debug"

	"github.com/fpgo/fingerprint-go/fingerprint"
)

// version is fpctl's version, stamped by `make dist` from the release tag:
// -ldflags "-X github.com/fpgo/fingerprint-go/cmd/fpctl/internal/cli.version=v1.2.3".
// Without it, the module version `go install ...@v1.2.3` records is used.
var version = ""

// Version returns fpctl's version: the stamped one, the installed module's, or "(devel)".
func Version() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

func printVersion(w io.Writer) error {
	_, err := fmt.Fprintf(w, "fpctl %s (fingerprint-go SDK %s)\n", Version(), fingerprint.Version)
	return err
}
