package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/fpgo/fingerprint-go/internal/aliasgen"
	"github.com/fpgo/fingerprint-go/internal/genrun"
)

// The acceptance test: edits of api/openapi.yaml that break users' code pass
// gen-check, go build, go vet and the test suite, and must fail the gate, naming the
// change. Each edit is made in a scratch copy of the generator's inputs; gen is
// regenerated there (internal/genrun, as cmd/gen-check does) and the module's API is
// loaded with the regenerated gen/fingerprint.gen.go and fingerprint/models.gen.go
// overlaid, so the repository is never written.

// repoRoot is the module root: tests run in cmd/check-api.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// currentBaseline writes the API of the unmodified code to a temporary directory, so
// the test measures what the spec edit changes, whatever the committed baseline says.
var currentBaseline = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "check-api-baseline-*")
	if err != nil {
		return "", err
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		return "", err
	}
	pkgs, err := loadAPI(root, nil)
	if err != nil {
		return "", err
	}
	return dir, writeBaseline(dir, pkgs)
})

func TestMain(m *testing.M) {
	code := m.Run()
	if dir, err := currentBaseline(); err == nil && dir != "" {
		_ = os.RemoveAll(dir) // best-effort cleanup; the exit code is the tests'
	}
	os.Exit(code)
}

// checkSpecEdit applies edit to a scratch copy of api/openapi.yaml, regenerates, and
// runs the gate against the API of the unmodified code.
func checkSpecEdit(t *testing.T, edit func(string) string) (int, string) {
	t.Helper()
	root := repoRoot(t)
	scratch := t.TempDir()
	for _, name := range []string{"go.mod", "go.sum", "tools.go", "oapi-codegen.yaml", "api/openapi.yaml", "api/overlay.yaml", "gen/generate.go"} {
		data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		if name == "api/openapi.yaml" {
			edited := edit(string(data))
			if edited == string(data) {
				t.Fatal("the spec edit changed nothing")
			}
			data = []byte(edited)
		}
		dst := filepath.Join(scratch, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(scratch, "out")
	if err := genrun.Regenerate(context.Background(), scratch, out); err != nil {
		t.Fatal(err)
	}
	genSrc, err := os.ReadFile(filepath.Join(out, "fingerprint.gen.go"))
	if err != nil {
		t.Fatal(err)
	}
	aliases, err := aliasgen.Generate(genSrc)
	if err != nil {
		t.Fatal(err)
	}
	base, err := currentBaseline()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	code := check(options{root: root, baseline: base, overlay: map[string][]byte{
		filepath.Join(root, "gen", "fingerprint.gen.go"):    genSrc,
		filepath.Join(root, "fingerprint", "models.gen.go"): aliases,
	}}, &buf, &buf)
	return code, buf.String()
}

// replaceOnce replaces old, which must occur exactly once, so the edit cannot silently
// hit another schema.
func replaceOnce(t *testing.T, s, old, new string) string {
	t.Helper()
	if n := strings.Count(s, old); n != 1 {
		t.Fatalf("%q occurs %d times in api/openapi.yaml, want 1", old, n)
	}
	return strings.Replace(s, old, new, 1)
}

// botInfoRequired is the required list of components/schemas/BotInfo.
const botInfoRequired = "      - category\n      - provider\n      - name\n      - identity\n"

func TestSpecEditMakingBotInfoNameOptionalFails(t *testing.T) {
	t.Parallel()
	code, out := checkSpecEdit(t, func(s string) string {
		return replaceOnce(t, s, botInfoRequired, "      - category\n      - provider\n      - identity\n")
	})
	if code != exitBreaking {
		t.Errorf("exit %d, want %d", code, exitBreaking)
	}
	if !strings.Contains(out, "BREAKING gen.BotInfo.Name: changed from string to *string\n") {
		t.Errorf("the report does not name the change:\n%s", out)
	}
	if strings.Count(out, "BREAKING") != 1 {
		t.Errorf("want exactly one breaking change:\n%s", out)
	}
}

func TestSpecEditRemovingAnEnumValueFails(t *testing.T) {
	t.Parallel()
	code, out := checkSpecEdit(t, func(s string) string {
		return replaceOnce(t, s, "      - aggregator\n", "")
	})
	if code != exitBreaking {
		t.Errorf("exit %d, want %d", code, exitBreaking)
	}
	for _, want := range []string{
		"BREAKING const gen.BotInfoCategoryAggregator: removed\n",
		"BREAKING const fingerprint.BotInfoCategoryAggregator: removed\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %q:\n%s", want, out)
		}
	}
}

func TestSpecEditAddingAnOptionalPropertyPasses(t *testing.T) {
	t.Parallel()
	code, out := checkSpecEdit(t, func(s string) string {
		return replaceOnce(t, s, "        provider_url:\n", "        homepage:\n          type: string\n          description: Where the bot's operator documents it.\n        provider_url:\n")
	})
	if code != exitOK {
		t.Errorf("exit %d, want %d:\n%s", code, exitOK, out)
	}
	if !strings.Contains(out, "added    gen.BotInfo.Homepage: added: *string\n") {
		t.Errorf("the addition is not listed:\n%s", out)
	}
	if strings.Contains(out, "BREAKING") {
		t.Errorf("an optional property must not break:\n%s", out)
	}
}

// TestSpecEditAddingAnOperationPasses: a new operation adds a request builder to gen
// (no generated client interface exists to grow); the gate lists it and passes, as README
// "Updating to a new API version" promises.
func TestSpecEditAddingAnOperationPasses(t *testing.T) {
	t.Parallel()
	code, out := checkSpecEdit(t, func(s string) string {
		return replaceOnce(t, s, "  /visitors/{visitor_id}:\n", `  /status:
    get:
      operationId: getStatus
      description: Whether the service is up.
      responses:
        '200':
          description: Up. The body is empty.
  /visitors/{visitor_id}:
`)
	})
	if code != exitOK {
		t.Errorf("exit %d, want %d:\n%s", code, exitOK, out)
	}
	for _, want := range []string{
		"added    func gen.NewGetStatusRequest: added: ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "BREAKING") {
		t.Errorf("a new operation must not break:\n%s", out)
	}
}
