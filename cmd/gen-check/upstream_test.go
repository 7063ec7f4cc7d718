package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

// The check of the upstream watch: a description split into several files with
// relative $refs, served over 127.0.0.1, gives the same report as the same description
// in one file; and a description that is too big, too slow, unreachable or whose $refs
// leave its directory or origin fails with a clear error.

// driftUpstream is api/openapi.yaml with a few wire changes, so the report has content:
// an enum value removed from a component, a bound changed on an inline parameter, a
// property added to a component, and an operation only upstream has (whose summary names
// the components upstream states it in).
func driftUpstream(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRootForTest(t), "api", "openapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	for _, e := range []struct{ old, new string }{
		{"      - aggregator\n", ""},
		{"          maximum: 1000\n", "          maximum: 500\n"},
		{"        provider_url:\n", "        homepage:\n          type: string\n          description: x\n        provider_url:\n"},
		{"  /visitors/{visitor_id}:\n", "  /bots:\n    get:\n      responses:\n        '200':\n          description: x\n" +
			"          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/BotInfo'\n" +
			"  /visitors/{visitor_id}:\n"},
	} {
		if strings.Count(s, e.old) != 1 {
			t.Fatalf("%q occurs %d times in api/openapi.yaml, want 1", e.old, strings.Count(s, e.old))
		}
		s = strings.Replace(s, e.old, e.new, 1)
	}
	return []byte(s)
}

// bundle parses a description and writes it back as one JSON document (JSON is YAML),
// the form split takes apart.
func bundle(t *testing.T, yamlDoc []byte) map[string]any {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(yamlDoc)
	if err != nil {
		t.Fatal(err)
	}
	data, err := doc.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// split lays a bundled description out as the vendor's repository does: the root file
// refers to one file per path item (paths/), and every component is a file of its own
// (components/<kind>/, some schemas one directory deeper), each $ref rewritten to a path
// relative to the file that holds it. It returns file name -> content, root "api.json".
func split(t *testing.T, doc map[string]any) map[string][]byte {
	t.Helper()
	files := map[string]any{}
	where := map[string]string{} // "#/components/kind/name" -> file
	comps, _ := doc["components"].(map[string]any)
	for kind, v := range comps {
		if kind == "securitySchemes" {
			continue
		}
		for name, c := range v.(map[string]any) {
			dir := "components/" + kind
			if strings.HasSuffix(name, "Confidence") {
				dir += "/signals" // a subdirectory, as the vendor keeps Smart Signals
			}
			file := dir + "/" + name + ".json"
			files[file] = c
			where["#/components/"+kind+"/"+name] = file
		}
		delete(comps, kind)
	}
	paths, _ := doc["paths"].(map[string]any)
	keys := make([]string, 0, len(paths))
	for p := range paths {
		keys = append(keys, p)
	}
	sort.Strings(keys)
	for i, p := range keys {
		file := "paths/" + string(rune('a'+i%26)) + strings.Repeat("x", i/26) + ".json"
		files[file] = paths[p]
		paths[p] = map[string]any{"$ref": file}
	}
	files["api.json"] = doc
	out := map[string][]byte{}
	for file, v := range files {
		rewriteRefs(t, v, path.Dir(file), where)
		data, err := json.MarshalIndent(v, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		out[file] = data
	}
	if len(out) < 50 {
		t.Fatalf("split into only %d files", len(out))
	}
	return out
}

func rewriteRefs(t *testing.T, v any, dir string, where map[string]string) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			// $refs and discriminator mappings are the strings naming a component.
			if s, ok := e.(string); ok && strings.HasPrefix(s, "#/components/") {
				file, ok := where[s]
				if !ok {
					t.Fatalf("$ref %s names no component", s)
				}
				rel, err := filepath.Rel(filepath.FromSlash(dir), filepath.FromSlash(file))
				if err != nil {
					t.Fatal(err)
				}
				x[k] = filepath.ToSlash(rel)
				continue
			}
			rewriteRefs(t, e, dir, where)
		}
	case []any:
		for _, e := range x {
			rewriteRefs(t, e, dir, where)
		}
	}
}

// report renders a comparison as gen-check prints it, naming upstream "upstream".
func report(t *testing.T, r *driftReport) string {
	t.Helper()
	var out bytes.Buffer
	r.write(&out, "api/openapi.yaml", "upstream")
	r.writeSummary(&out, "api/openapi.yaml")
	return out.String()
}

func oursPath(t *testing.T) string {
	return filepath.Join(repoRootForTest(t), "api", "openapi.yaml")
}

// servedFiles serves files under /vendor/schemas/ on 127.0.0.1 and records each path asked for.
func servedFiles(t *testing.T, files map[string][]byte) (*httptest.Server, func() []string) {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, data := range files {
		fsys["vendor/schemas/"+name] = &fstest.MapFile{Data: data}
	}
	var mu sync.Mutex
	var asked []string
	fileServer := http.FileServer(http.FS(fsys))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		asked = append(asked, r.URL.Path)
		mu.Unlock()
		fileServer.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), asked...)
	}
}

func writeFiles(t *testing.T, dir string, files map[string][]byte) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestSplitDescriptionOverHTTPGivesTheBundledReport(t *testing.T) {
	t.Parallel()
	check := func(t *testing.T, yamlDoc []byte, wantDrift bool) {
		doc := bundle(t, yamlDoc)
		single, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		bundled := filepath.Join(dir, "bundled.json")
		if err := os.WriteFile(bundled, single, 0o644); err != nil {
			t.Fatal(err)
		}
		want, err := compareSpecs(t.Context(), oursPath(t), bundled)
		if err != nil {
			t.Fatal(err)
		}
		if want.inSync() == wantDrift {
			t.Fatalf("bundled report: in sync = %v, want %v", want.inSync(), !wantDrift)
		}
		files := split(t, doc)

		srv, asked := servedFiles(t, files)
		got, err := compareSpecsWithin(t.Context(), oursPath(t), srv.URL+"/vendor/schemas/api.json", defaultUpstreamLimits, srv.Client())
		if err != nil {
			t.Fatal(err)
		}
		if g, w := report(t, got), report(t, want); g != w {
			t.Errorf("served multi-file report differs from the bundled one\n--- served:\n%s\n--- bundled:\n%s", g, w)
		}
		if n := len(asked()); n != len(files) {
			t.Errorf("%d requests for %d files: each file is fetched once", n, len(files))
		}

		local := filepath.Join(t.TempDir(), "schemas")
		writeFiles(t, local, files)
		got, err = compareSpecs(t.Context(), oursPath(t), filepath.Join(local, "api.json"))
		if err != nil {
			t.Fatal(err)
		}
		if g, w := report(t, got), report(t, want); g != w {
			t.Errorf("local multi-file report differs from the bundled one\n--- local:\n%s\n--- bundled:\n%s", g, w)
		}
	}
	t.Run("drifted copy of ours", func(t *testing.T) {
		t.Parallel()
		up := driftUpstream(t)
		check(t, up, true)
		r, err := compareSpecs(t.Context(), oursPath(t), writeTemp(t, up))
		if err != nil {
			t.Fatal(err)
		}
		out := report(t, r)
		for _, want := range []string{
			`drift: only ours     [parameter] GET /events ?bot_info_category in=query[] ="aggregator": value`,
			"components/schemas/BotInfoCategory: 1 fact changed",
			"?total_hits in=query maximum: ours 1000, upstream 500",
			"components/schemas/BotInfo: 1 fact changed",
			"upstream states them in components/schemas/BotInfo, components/schemas/BotInfoCategory",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("the report lacks %q:\n%s", want, out)
			}
		}
	})
	t.Run("vendor reference", func(t *testing.T) {
		t.Parallel()
		ref := filepath.Join(repoRootForTest(t), "..", "shared", "reference", "fingerprint-server-api-v4.yaml")
		data, err := os.ReadFile(ref)
		if err != nil {
			t.Skipf("the vendor's description is not beside the repository (%v)", err)
		}
		doc := bundle(t, data)
		single, _ := json.Marshal(doc)
		r, err := compareSpecs(t.Context(), oursPath(t), writeTemp(t, single))
		if err != nil {
			t.Fatal(err)
		}
		check(t, data, !r.inSync())
	})
}

func writeTemp(t *testing.T, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "upstream.yaml")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// tinyDoc is a description whose one schema lives in the file ref names.
func tinyDoc(ref string) []byte {
	return []byte(`{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/w":{"get":{"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":"` + ref + `"}}}}}}}}}`)
}

var widget = []byte(`{"type":"object","properties":{"id":{"type":"string"}}}`)

func loadErr(t *testing.T, location string, lim upstreamLimits, client *http.Client) error {
	t.Helper()
	_, err := loadUpstream(t.Context(), location, lim, client)
	if err == nil {
		t.Fatalf("loading %s succeeded, want an error", location)
	}
	if !strings.HasPrefix(err.Error(), "cannot load upstream description "+location+": ") {
		t.Errorf("error does not say what failed to load: %v", err)
	}
	return err
}

func TestUpstreamLimits(t *testing.T) {
	t.Parallel()
	files := map[string][]byte{"api.json": tinyDoc("schemas/widget.json"), "schemas/widget.json": widget}
	srv, _ := servedFiles(t, files)
	root := srv.URL + "/vendor/schemas/api.json"
	if _, err := loadUpstream(t.Context(), root, defaultUpstreamLimits, srv.Client()); err != nil {
		t.Fatalf("the two-file description does not load: %v", err)
	}
	total := int64(len(files["api.json"]) + len(widget))

	lim := defaultUpstreamLimits
	lim.maxBytes = total - 1
	err := loadErr(t, root, lim, srv.Client())
	if !errors.Is(err, errUpstreamLimit) || !strings.Contains(err.Error(), "more than "+itoa(total-1)+" bytes in all") {
		t.Errorf("byte limit: %v", err)
	}
	lim.maxBytes = total // exactly at the limit loads
	if _, err := loadUpstream(t.Context(), root, lim, srv.Client()); err != nil {
		t.Errorf("a description of exactly maxBytes fails: %v", err)
	}

	lim = defaultUpstreamLimits
	lim.maxFiles = 1
	err = loadErr(t, root, lim, srv.Client())
	if !errors.Is(err, errUpstreamLimit) || !strings.Contains(err.Error(), "more than 1 files") {
		t.Errorf("file limit: %v", err)
	}

	// A server that never answers: the whole load gives up at the timeout.
	stall := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	defer stall.Close()
	lim = defaultUpstreamLimits
	lim.timeout = 200 * time.Millisecond
	start := time.Now()
	err = loadErr(t, stall.URL+"/api.json", lim, stall.Client())
	if !strings.Contains(err.Error(), "not loaded within 200ms") {
		t.Errorf("timeout: %v", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("the load took %s despite a 200ms limit", d)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestUpstreamLoadErrors(t *testing.T) {
	t.Parallel()
	other, otherAsked := servedFiles(t, map[string][]byte{"widget.json": widget})
	files := map[string][]byte{
		"api.json":            tinyDoc("schemas/widget.json"),
		"schemas/widget.json": widget,
		"missing.json":        tinyDoc("schemas/nope.json"),
		"up.json":             tinyDoc("../secret.json"),
		"elsewhere.json":      tinyDoc(other.URL + "/vendor/schemas/widget.json"),
		"local.json":          tinyDoc("file:///etc/passwd"),
	}
	srv, asked := servedFiles(t, files)
	srv.Config.Handler = redirecting(srv.Config.Handler, "/vendor/schemas/redirect.json", other.URL+"/vendor/schemas/widget.json")
	base := srv.URL + "/vendor/schemas/"
	for _, tc := range []struct{ location, want string }{
		{base + "nope.json", "GET " + base + "nope.json: 404 Not Found"},
		{base + "missing.json", "schemas/nope.json: 404 Not Found"},
		{base + "up.json", "refusing $ref " + srv.URL + "/vendor/secret.json: outside " + srv.URL + "/vendor/schemas/"},
		{base + "elsewhere.json", "refusing $ref " + other.URL + "/vendor/schemas/widget.json: not on " + srv.URL},
		{base + "local.json", "refusing $ref file:///etc/passwd: not on " + srv.URL},
		{base + "redirect.json", "refusing a redirect to another origin"},
		{"ftp://example.test/api.yaml", "only http://, https:// and local files are supported"},
		{"http://[::1", "missing ']' in host"},
	} {
		err := loadErr(t, tc.location, defaultUpstreamLimits, srv.Client())
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v\nwant it to contain %q", tc.location, err, tc.want)
		}
	}
	for _, p := range asked() {
		if p == "/vendor/secret.json" {
			t.Error("a $ref outside the base directory was fetched")
		}
	}
	if n := len(otherAsked()); n != 0 {
		t.Errorf("another origin was asked %d times", n)
	}
}

func redirecting(next http.Handler, from, to string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == from {
			http.Redirect(w, r, to, http.StatusFound)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func TestLocalUpstreamStaysInItsDirectory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	outside := filepath.Join(dir, "outside.json")
	base := filepath.Join(dir, "schemas")
	writeFiles(t, dir, map[string][]byte{
		"outside.json":              widget,
		"schemas/api.json":          tinyDoc("parts/widget.json"),
		"schemas/parts/widget.json": widget,
		"schemas/up.json":           tinyDoc("../outside.json"),
		"schemas/remote.json":       tinyDoc("http://127.0.0.1:9/widget.json"),
		"schemas/link.json":         tinyDoc("parts/link.json"),
	})
	if err := os.Symlink(outside, filepath.Join(base, "parts", "link.json")); err != nil {
		t.Fatal(err)
	}
	if _, err := loadUpstream(t.Context(), filepath.Join(base, "api.json"), defaultUpstreamLimits, nil); err != nil {
		t.Fatalf("a two-file local description does not load: %v", err)
	}
	for _, tc := range []struct{ file, want string }{
		{"up.json", "outside " + base},
		{"link.json", "outside " + base},
		{"remote.json", "a local description may refer only to local files"},
		{"absent.json", "no such file"},
	} {
		location := filepath.Join(base, tc.file)
		if err := loadErr(t, location, defaultUpstreamLimits, nil); !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v\nwant it to contain %q", tc.file, err, tc.want)
		}
	}
}

// gen-check -upstream takes a URL: drift fails the run (exit 1) with the report.
func TestGenCheckUpstreamURL(t *testing.T) {
	t.Parallel()
	doc := bundle(t, driftUpstream(t))
	srv, _ := servedFiles(t, split(t, doc))
	var out bytes.Buffer
	code := run(context.Background(), []string{"-upstream", srv.URL + "/vendor/schemas/api.json"}, &out, &out)
	if code != exitDrift || !strings.Contains(out.String(), "components/schemas/BotInfoCategory: 1 fact changed") {
		t.Errorf("exit %d, want %d with the summary:\n%s", code, exitDrift, out.String())
	}
	out.Reset()
	code = run(context.Background(), []string{"-upstream", srv.URL + "/vendor/schemas/absent.json"}, &out, &out)
	if code != exitInternal || !strings.Contains(out.String(), "cannot load upstream description") {
		t.Errorf("exit %d, want %d with a clear error:\n%s", code, exitInternal, out.String())
	}
}
