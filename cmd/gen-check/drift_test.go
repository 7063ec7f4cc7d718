package main

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// driftBetween compares testdata/base.yaml (as "ours") with another fixture.
func driftBetween(t *testing.T, upstream string) *driftReport {
	t.Helper()
	r, err := compareSpecs(context.Background(), "testdata/base.yaml", filepath.Join("testdata", upstream))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestDriftIdenticalWireContractIsInSync(t *testing.T) {
	for _, name := range []string{"base.yaml", "restructured.yaml"} {
		r := driftBetween(t, name)
		if !r.inSync() {
			var out bytes.Buffer
			r.write(&out, "base.yaml", name)
			t.Errorf("%s: want no drift, got:\n%s", name, out.String())
		}
	}
}

func TestDriftFindsEachChangedWireFact(t *testing.T) {
	const op = "GET /widgets/{widget_id}"
	const body = op + " 200<application/json>"
	tests := []struct {
		fixture      string
		onlyOurs     []string // facts base.yaml has and the fixture lacks
		onlyUpstream []string
		differ       []string
	}{
		{fixture: "removed_property.yaml", onlyOurs: []string{body + ".weight"}},
		{fixture: "removed_enum_value.yaml", onlyOurs: []string{
			body + `.color ="blue"`,
			op + ` ?color in=query[] ="blue"`,
		}},
		{fixture: "changed_type.yaml", differ: []string{body + ".id"}},
		{fixture: "changed_bound.yaml", differ: []string{op + " ?limit in=query maximum"}},
		{fixture: "removed_response.yaml", onlyOurs: []string{op + " 404"}},
		{fixture: "required_param.yaml", differ: []string{op + " ?limit in=query presence"}},
	}
	for _, tc := range tests {
		t.Run(tc.fixture, func(t *testing.T) {
			r := driftBetween(t, tc.fixture)
			assertKeys(t, "only ours", r.onlyOurs, tc.onlyOurs)
			assertKeys(t, "only upstream", r.onlyUpstream, tc.onlyUpstream)
			assertKeys(t, "differ", r.differ, tc.differ)
		})
	}
}

func assertKeys(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\n got  %q\n want %q", what, got, want)
	}
}

func TestDriftReportNamesBothValues(t *testing.T) {
	r := driftBetween(t, "changed_type.yaml")
	var out bytes.Buffer
	r.write(&out, "ours.yaml", "theirs.yaml")
	want := "drift: differs      [property] GET /widgets/{widget_id} 200<application/json>.id: ours string, upstream integer/int64"
	if !strings.Contains(out.String(), want) {
		t.Errorf("report lacks %q:\n%s", want, out.String())
	}
	if !strings.Contains(out.String(), "FAIL wire facts:") {
		t.Errorf("report lacks the FAIL summary:\n%s", out.String())
	}
}

func TestDriftRecursiveSchemaTerminates(t *testing.T) {
	r := driftBetween(t, "base.yaml")
	key := "GET /widgets/{widget_id} 200<application/json>.parts[].children[] <cycle>"
	if _, ok := r.ours[key]; !ok {
		t.Errorf("want the recursion of Part recorded as %q", key)
	}
}

// TestNoDriftAgainstReference is the acceptance check: our spec carries
// every wire fact of the vendor's published description, and nothing else.
func TestNoDriftAgainstReference(t *testing.T) {
	ref := filepath.Join(repoRootForTest(t), "..", "shared", "reference", "fingerprint-server-api-v4.yaml")
	if _, err := os.Stat(ref); errors.Is(err, fs.ErrNotExist) {
		t.Skipf("reference description %s is absent (it lives in ../shared beside the repo); skipping the drift check", ref)
	}
	r, err := compareSpecs(context.Background(), filepath.Join(repoRootForTest(t), "api", "openapi.yaml"), ref)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	r.write(&out, "api/openapi.yaml", ref)
	if !r.inSync() {
		t.Fatalf("api/openapi.yaml drifted from the reference:\n%s", out.String())
	}
	// Guard against a flattener that silently sees nothing: the reference has
	// 6 operations, a webhook and thousands of facts, including a const beside a $ref.
	if len(r.upstream) < 2000 {
		t.Fatalf("only %d wire facts read from the reference; the flattener is broken", len(r.upstream))
	}
	for _, key := range []string{
		"POST /edge",
		"POST webhook:event",
		`GET /events/{event_id} 200<application/json>.rule_action.type ="block"`,
		"GET /events ?limit in=query maximum",
	} {
		if _, ok := r.upstream[key]; !ok {
			t.Errorf("reference facts lack %q", key)
		}
	}
	t.Log(strings.TrimSpace(out.String()))
}

// repoRootForTest is the module root: tests run in cmd/gen-check.
func repoRootForTest(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// TestDriftSeesDeprecationAndPropertyCounts: a response marked deprecated and a body's
// minimum property count are facts a maintainer must carry over, so they drift.
func TestDriftSeesDeprecationAndPropertyCounts(t *testing.T) {
	var out bytes.Buffer
	driftBetween(t, "deprecated_response.yaml").write(&out, "ours.yaml", "upstream.yaml")
	if want := "drift: only upstream [response] GET /widgets/{widget_id} 404 deprecated: deprecated\n"; !strings.HasPrefix(out.String(), want) {
		t.Errorf("deprecated response: got\n%swant it to start with\n%s", out.String(), want)
	}
	r := driftBetween(t, "added_operation.yaml")
	const key = "POST /widgets/{widget_id}/notes body<application/json> minProperties"
	if got := r.upstream[key]; got.value != "1" {
		t.Errorf("%s: got %q, want 1", key, got.value)
	}
}
