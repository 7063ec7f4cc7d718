package paramgen_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fpgo/fingerprint-go/internal/aliasgen"
	"github.com/fpgo/fingerprint-go/internal/genrun"
	"github.com/fpgo/fingerprint-go/internal/paramgen"
)

// The issue's acceptance test for "the spec is the single source of truth for search
// parameters": query parameters added to a scratch copy of api/openapi.yaml, run through
// the generation step (gen regenerated as gen-check does, then the aliases and the
// search parameters), reach the SDK's field, encoding, bounds checks and copy, and the
// CLI's flags, with no hand edit. The outputs are compiled and tested with `go test
// -overlay`, so the repository is never written.

// newParams are the added parameters, one of each shape a new filter can take: an
// integer where 0 is a value (*int), an inline enum (a new search-only type), an array
// with an item limit, and a bounded number.
const newParams = `      - name: risk_level
        in: query
        schema:
          type: integer
          format: int32
          minimum: 0
          maximum: 10
        description: Only events whose risk level is at least this value.
      - name: device_family
        in: query
        schema:
          type: string
          enum:
          - phone
          - tablet
          - desktop
        description: Only events from this family of devices.
      - name: network_tag
        in: query
        schema:
          type: array
          maxItems: 3
          items:
            type: string
        description: Only events carrying one of these network tags.
      - name: min_trust
        in: query
        schema:
          type: number
          format: float
          minimum: 0
          maximum: 1
        description: Only events whose trust is at least this value.
`

// sdkTest runs inside package fingerprint with the regenerated files.
const sdkTest = `package fingerprint

import (
	"strings"
	"testing"
)

func TestScratchParams(t *testing.T) {
	p := &SearchEventsParams{Limit: 5, RiskLevel: Ptr(0), DeviceFamily: SearchEventsParamsDeviceFamilyTablet,
		NetworkTag: []string{"a b", "c"}, MinTrust: Ptr(0.5), Source: []EventSource{EventSourceEdge}}
	if err := p.validate(); err != nil {
		t.Fatal(err)
	}
	const want = "limit=5&risk_level=0&device_family=tablet&network_tag=a%20b&network_tag=c&min_trust=0.5&source=edge"
	if got := p.encode(); got != want {
		t.Errorf("encode() = %q, want %q", got, want)
	}
	c := p.clone()
	*c.RiskLevel, c.NetworkTag[0] = 7, "changed"
	if *p.RiskLevel != 0 || p.NetworkTag[0] != "a b" {
		t.Error("clone aliases the new fields")
	}
	for _, tc := range []struct {
		p    SearchEventsParams
		want string
	}{
		{SearchEventsParams{RiskLevel: Ptr(11)}, "invalid RiskLevel: risk_level must be between 0 and 10, got 11"},
		{SearchEventsParams{RiskLevel: Ptr(-1)}, "invalid RiskLevel: risk_level must be between 0 and 10, got -1"},
		{SearchEventsParams{NetworkTag: []string{"a", "b", "c", "d"}}, "invalid NetworkTag: network_tag takes at most 3 values, got 4"},
		{SearchEventsParams{MinTrust: Ptr(1.5)}, "invalid MinTrust: min_trust must be between 0 and 1, got 1.5"},
		{SearchEventsParams{NetworkTag: []string{" "}}, "empty or blank value"},
	} {
		err := tc.p.validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("validate(%+v) = %v, want %q", tc.p, err, tc.want)
		}
	}
}
`

// cliTest runs inside the CLI package: the flags exist, reach the wire and are checked
// against the spec's bounds, enum and item limit.
const cliTest = `package cli

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestScratchParamFlags(t *testing.T) {
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.URL.RawQuery
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(` + "`" + `{"events":[]}` + "`" + `))
	}))
	defer srv.Close()
	getenv := func(k string) string {
		if k == envSecretKey {
			return "sk_test_0123456789"
		}
		return ""
	}
	run := func(flags ...string) (int, string) {
		var stderr bytes.Buffer
		args := append([]string{"events", "search", "--base-url", srv.URL, "--format", "jsonl", "--limit", "5"}, flags...)
		return Run(context.Background(), args, &Env{Getenv: getenv, Stderr: &stderr}), stderr.String()
	}
	code, stderr := run("--risk-level", "0", "--device-family", "tablet", "--network-tag", "a b", "--network-tag", "c", "--min-trust", "0.5")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	const want = "limit=5&risk_level=0&device_family=tablet&network_tag=a%20b&network_tag=c&min_trust=0.5"
	if q, _, _ := strings.Cut(got, "&ii="); q != want { // ii: the SDK's integration info
		t.Errorf("query %q, want %q", got, want)
	}
	for _, bad := range [][]string{
		{"--risk-level", "11"}, {"--device-family", "watch"}, {"--min-trust", "2"},
		{"--network-tag", "a", "--network-tag", "b", "--network-tag", "c", "--network-tag", "d"},
	} {
		got = ""
		if code, _ := run(bad...); code == 0 || got != "" {
			t.Errorf("%v: exit %d, request %q; want a usage error before any request", bad, code, got)
		}
	}
}
`

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func TestAddingASpecParameterReachesSDKAndCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("regenerates gen/ and compiles two packages in a scratch build (seconds); skipped with -short")
	}
	root := repoRoot(t)
	scratch := t.TempDir()
	var spec []byte
	for _, name := range []string{"go.mod", "go.sum", "tools.go", "oapi-codegen.yaml", "api/openapi.yaml", "api/overlay.yaml", "gen/generate.go"} {
		data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		if name == "api/openapi.yaml" {
			const anchor = "      - name: source\n"
			if n := strings.Count(string(data), anchor); n != 1 {
				t.Fatalf("%q occurs %d times in api/openapi.yaml, want 1", anchor, n)
			}
			data = []byte(strings.Replace(string(data), anchor, newParams+anchor, 1))
			spec = data
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
	if err := genrun.Regenerate(t.Context(), scratch, out); err != nil {
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
	files, err := paramgen.Generate(genSrc, spec)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"RiskLevel *int\n", "DeviceFamily SearchEventsParamsDeviceFamily\n", "NetworkTag []string\n", "MinTrust *float64\n",
		"= gen.SearchEventsParamsDeviceFamilyTablet\n"} {
		if !strings.Contains(string(files.SDK), want) {
			t.Errorf("the generated SDK lacks %q", want)
		}
	}

	cliDirs, err := filepath.Glob(filepath.Join(root, "cmd", "*", "internal", "cli", "searchflags.go"))
	if err != nil || len(cliDirs) != 1 {
		t.Fatalf("want exactly one CLI package with search flags, found %v (%v)", cliDirs, err)
	}
	cliDir := filepath.Dir(cliDirs[0])
	replace := map[string][]byte{
		filepath.Join(root, "gen", "fingerprint.gen.go"):                genSrc,
		filepath.Join(root, "fingerprint", "models.gen.go"):             aliases,
		filepath.Join(root, filepath.FromSlash(paramgen.SDKFile)):       files.SDK,
		filepath.Join(root, filepath.FromSlash(paramgen.TableFile)):     files.Table,
		filepath.Join(root, "fingerprint", "zz_scratch_params_test.go"): []byte(sdkTest),
		filepath.Join(cliDir, "zz_scratch_params_test.go"):              []byte(cliTest),
	}
	overlay := struct{ Replace map[string]string }{Replace: map[string]string{}}
	for path, data := range replace {
		f := filepath.Join(scratch, "overlay", strings.ReplaceAll(strings.TrimPrefix(path, root), string(filepath.Separator), "_"))
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, data, 0o644); err != nil {
			t.Fatal(err)
		}
		overlay.Replace[path] = f
	}
	overlayJSON, err := json.Marshal(overlay)
	if err != nil {
		t.Fatal(err)
	}
	overlayFile := filepath.Join(scratch, "overlay.json")
	if err := os.WriteFile(overlayFile, overlayJSON, 0o644); err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(root, cliDir)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "test", "-count=1", "-overlay", overlayFile, "-run", "^TestScratchParam",
		"./fingerprint", "./"+filepath.ToSlash(rel))
	cmd.Dir = root
	outText, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the regenerated SDK and CLI fail with the added parameters: %v\n%s", err, outText)
	}
	if strings.Count(string(outText), "ok  ") != 2 || strings.Contains(string(outText), "no tests to run") {
		t.Fatalf("want both scratch tests to run and pass:\n%s", outText)
	}
}
