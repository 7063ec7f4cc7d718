package cli

import (
	"bytes"
	"context"
	"flag"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/internal/apispec"
)

// TestEverySpecSearchParameterHasAFlag reads GET /events from the embedded OpenAPI
// description: each query parameter must have a flag named after it, bound to a field
// of fingerprint.SearchEventsParams, and each such flag must be a parameter of the spec.
func TestEverySpecSearchParameterHasAFlag(t *testing.T) {
	spec := embeddedSearchParams(t)
	if len(spec) < 50 {
		t.Fatalf("only %d search parameters read from the spec", len(spec))
	}
	var p fingerprint.SearchEventsParams
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	generated, err := searchSpec()
	if err != nil {
		t.Fatal(err)
	}
	sf, err := newSearchFlags(fs, &p, generated)
	if err != nil {
		t.Fatal(err)
	}
	byParam := map[string]*searchFlag{}
	for _, f := range sf.flags {
		byParam[f.param] = f
		if !spec[f.param] {
			t.Errorf("flag --%s (field %s) is not a search parameter of the spec", f.name, f.field)
		}
		if _, ok := reflect.TypeFor[fingerprint.SearchEventsParams]().FieldByName(f.field); !ok {
			t.Errorf("flag --%s maps onto no field", f.name)
		}
	}
	for name := range spec {
		f := byParam[name]
		if f == nil {
			t.Errorf("search parameter %s has no flag", name)
			continue
		}
		if want := strings.ReplaceAll(name, "_", "-"); f.name != want {
			t.Errorf("parameter %s: flag --%s, want --%s", name, f.name, want)
		}
		if fs.Lookup(f.name) == nil {
			t.Errorf("flag --%s not registered", f.name)
		}
	}
}

// sampleValue is a valid command-line value for a parameter: the first enum value, a
// bound-respecting number, a time, or a plain string.
func sampleValue(ps *paramSpec) string {
	switch {
	case len(ps.Enum) > 0:
		return ps.Enum[len(ps.Enum)-1]
	case ps.Name == "start":
		return "2026-01-02T03:04:05Z"
	case ps.Name == "end":
		return "1767409445000" // Unix ms: 2026-01-03T03:04:05Z
	case ps.Name == "limit":
		return "42"
	case ps.Name == "total_hits":
		return "500"
	case ps.Name == "min_suspect_score":
		return "0.25"
	case ps.Name == "ip_address":
		return "192.0.2.0/24" // the SDK checks it is an IP address or CIDR range
	}
	return "v-" + ps.Name
}

// TestEveryFlagReachesTheWire sets every search flag on the command line and checks
// the query the server receives: each parameter of the spec, with the value given.
// It goes through reflection on SearchEventsParams, so no enum type name is assumed.
func TestEveryFlagReachesTheWire(t *testing.T) {
	spec, err := searchSpec()
	if err != nil {
		t.Fatal(err)
	}
	var got url.Values
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.URL.Query()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"events":[]}`))
	}))
	defer srv.Close()

	args := []string{"events", "search", "--base-url", srv.URL, "--format", "jsonl"}
	want := url.Values{}
	for name, ps := range spec {
		flagName := "--" + strings.ReplaceAll(name, "_", "-")
		var v string
		switch {
		case name == "reverse" || isTriBool(name, spec):
			v = "true"
			args = append(args, flagName)
		default:
			v = sampleValue(ps)
			args = append(args, flagName, v)
		}
		want.Set(name, v)
	}
	want.Set("start", "2026-01-02T03:04:05Z")
	want.Set("end", "2026-01-03T03:04:05Z")
	var stderr bytes.Buffer
	code := Run(context.Background(), args, &Env{Getenv: env(envSecretKey, "sk_test_0123456789"), Stderr: &stderr})
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	for name := range want {
		if got.Get(name) != want.Get(name) {
			t.Errorf("%s=%q on the wire, want %q", name, got.Get(name), want.Get(name))
		}
	}
	for name := range got {
		if want[name] == nil && name != "ii" { // ii: the SDK's integration info
			t.Errorf("unexpected parameter %s on the wire", name)
		}
	}
}

// isTriBool reports boolean filters (type boolean in the spec, other than reverse).
func isTriBool(name string, spec map[string]*paramSpec) bool {
	var p fingerprint.SearchEventsParams
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	sf, _ := newSearchFlags(fs, &p, spec)
	for _, f := range sf.flags {
		if f.param == name {
			_, ok := f.value.(*triBoolValue)
			return ok
		}
	}
	return false
}

func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func TestBoundsComeFromTheSpec(t *testing.T) {
	for _, tc := range []struct {
		args []string
		ok   bool
	}{
		{[]string{"--limit", "0"}, false},
		{[]string{"--limit", "1"}, true},
		{[]string{"--limit", "100"}, true},
		{[]string{"--limit", "101"}, false},
		{[]string{"--total-hits", "0"}, false},
		{[]string{"--total-hits", "1000"}, true},
		{[]string{"--total-hits", "1001"}, false},
		{[]string{"--vpn-confidence", "high"}, true},
		{[]string{"--vpn-confidence", "huge"}, false},
		{[]string{"--sdk-platform", "ios"}, true},
		{[]string{"--sdk-platform", "windows"}, false},
		{[]string{"--rare-device-percentile-bucket", "nope"}, false},
		{[]string{"--incremental-identification-status", "completed"}, true},
		{[]string{"--source", "edge"}, true},
		{[]string{"--source", "device"}, false},
		{[]string{"--visitor-id", " "}, false},
	} {
		var p fingerprint.SearchEventsParams
		spec, _ := searchSpec()
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(new(bytes.Buffer))
		if _, err := newSearchFlags(fs, &p, spec); err != nil {
			t.Fatal(err)
		}
		err := fs.Parse(tc.args)
		if (err == nil) != tc.ok {
			t.Errorf("%v: err = %v, want ok=%v", tc.args, err, tc.ok)
		}
	}
}

// embeddedSearchParams reads the query parameters of GET /events from the embedded
// api/openapi.yaml itself, not from the list generated from it.
func embeddedSearchParams(t *testing.T) map[string]bool {
	t.Helper()
	doc, err := apispec.Load()
	if err != nil {
		t.Fatal(err)
	}
	item := doc.Paths.Find("/events")
	if item == nil || item.Get == nil {
		t.Fatal("the embedded spec has no GET /events")
	}
	out := map[string]bool{}
	for _, ref := range item.Get.Parameters {
		if ref.Value != nil && ref.Value.In == "query" {
			out[ref.Value.Name] = true
		}
	}
	return out
}
