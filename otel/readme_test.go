package fingerprintotel_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestREADMESetupCompiles builds the OpenTelemetry setup blocks of README.md and of
// docs/guide.md (the user guide the README links to), each a ```golang fence, which the
// root module's document check skips since the root module has no OpenTelemetry, as a
// program in a scratch module that uses this module and the SDK from this checkout.
func TestREADMESetupCompiles(t *testing.T) {
	for _, doc := range []struct{ file, section string }{
		{"README.md", ""}, // the README's only ```golang block
		{filepath.Join("docs", "guide.md"), "## Observability (OpenTelemetry)"},
	} {
		t.Run(filepath.Base(doc.file), func(t *testing.T) { compileSetup(t, doc.file, doc.section) })
	}
}

// compileSetup builds the first ```golang block of file after the heading section ("" for
// the whole file).
func compileSetup(t *testing.T, file, section string) {
	text, err := os.ReadFile(filepath.Join("..", file))
	if err != nil {
		t.Skipf("no ../%s (%v): run from the repository", file, err)
	}
	rest := string(text)
	if section != "" {
		var ok bool
		if _, rest, ok = strings.Cut(rest, section); !ok {
			t.Fatalf("%s has no %q section", file, section)
		}
	}
	_, block, ok := strings.Cut(rest, "```golang\n")
	if !ok {
		t.Fatalf("%s: no ```golang block", file)
	}
	block, _, _ = strings.Cut(block, "```")
	imports, body, ok := strings.Cut(block, "\n)\n")
	if !ok || !strings.HasPrefix(imports, "import (") {
		t.Fatalf("%s: the block does not start with an import list:\n%s", file, block)
	}
	src := "package main\n\n" + imports + "\n)\n\nfunc main() {\n" + body + "\n\t_, _ = client, err\n}\n"

	otelDir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	goMod := "module readmesetup\n\ngo 1.25.0\n\nrequire github.com/fpgo/fingerprint-go/otel v0.0.0\n\n" +
		"replace github.com/fpgo/fingerprint-go/otel => " + otelDir + "\n\n" +
		"replace github.com/fpgo/fingerprint-go => " + filepath.Dir(otelDir) + "\n"
	sum, err := os.ReadFile("go.sum")
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string]string{"go.mod": goMod, "go.sum": string(sum), "main.go": src} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// -mod=mod lets the go command complete the scratch go.mod from the module cache;
	// GOFLAGS=-mod=readonly (CI) would refuse that, and GOPROXY=off keeps it offline.
	cmd := exec.CommandContext(t.Context(), "go", "build", "-mod=mod", "-o", os.DevNull, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=", "GOPROXY=off", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the OpenTelemetry setup of %s does not compile: %v\n%s\n%s", file, err, out, src)
	}
}
