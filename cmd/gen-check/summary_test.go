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

// TestDriftLinesFormatIsPinned: scripts read the drift: lines and the status line, so
// their bytes must not change; the grouped summary only ever comes after them.
func TestDriftLinesFormatIsPinned(t *testing.T) {
	tests := map[string]string{
		"removed_enum_value.yaml": `drift: only ours     [enum value] GET /widgets/{widget_id} 200<application/json>.color ="blue": value
drift: only ours     [parameter] GET /widgets/{widget_id} ?color in=query[] ="blue": value
FAIL wire facts: 31/31 of upstream.yaml matched by ours.yaml; 0 only upstream, 2 only ours, 0 differ
`,
		"changed_type.yaml": `drift: differs      [property] GET /widgets/{widget_id} 200<application/json>.id: ours string, upstream integer/int64
FAIL wire facts: 32/33 of upstream.yaml matched by ours.yaml; 0 only upstream, 0 only ours, 1 differ
`,
		"required_param.yaml": `drift: differs      [parameter] GET /widgets/{widget_id} ?limit in=query presence: ours optional, upstream required
FAIL wire facts: 32/33 of upstream.yaml matched by ours.yaml; 0 only upstream, 0 only ours, 1 differ
`,
		"base.yaml": "ok   wire facts: 33/33 of upstream.yaml matched by ours.yaml; 0 only upstream, 0 only ours, 0 differ\n",
	}
	for fixture, want := range tests {
		r := driftBetween(t, fixture)
		var out bytes.Buffer
		r.write(&out, "ours.yaml", "upstream.yaml")
		if out.String() != want {
			t.Errorf("%s: drift lines changed:\n got\n%s want\n%s", fixture, out.String(), want)
		}
	}
	// Only upstream: the fixture as ours, base.yaml as upstream.
	r, err := compareSpecs(context.Background(), "testdata/removed_property.yaml", "testdata/base.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	r.write(&out, "ours.yaml", "upstream.yaml")
	want := "drift: only upstream [property] GET /widgets/{widget_id} 200<application/json>.weight: number/double\n" +
		"FAIL wire facts: 32/33 of upstream.yaml matched by ours.yaml; 1 only upstream, 0 only ours, 0 differ\n"
	if out.String() != want {
		t.Errorf("only upstream: got\n%s want\n%s", out.String(), want)
	}
}

func summaryOf(r *driftReport) string {
	var out bytes.Buffer
	r.writeSummary(&out, "ours.yaml")
	return out.String()
}

func TestSummaryGroupsByComponent(t *testing.T) {
	// The enum value is dropped from the response and from the query parameter that
	// share components/schemas/Color: one fact to edit, both places named.
	got := summaryOf(driftBetween(t, "removed_enum_value.yaml"))
	want := `summary: 1 part(s) of ours.yaml to edit; each wire fact once, with where it is used:
  components/schemas/Color: 1 fact changed; used by GET /widgets/{widget_id} 200 (color), GET /widgets/{widget_id} ?color in=query[]
    only ours     [enum value] ="blue": value
`
	if got != want {
		t.Errorf("got\n%swant\n%s", got, want)
	}
	if s := summaryOf(driftBetween(t, "base.yaml")); s != "" {
		t.Errorf("in sync: want no summary, got\n%s", s)
	}
}

func TestSummaryNamesInlineParts(t *testing.T) {
	for fixture, want := range map[string]string{
		"required_param.yaml":   "  paths./widgets/{widget_id}.get.parameters[limit]: 1 fact changed; used by GET /widgets/{widget_id} ?limit in=query\n    differs      [parameter] presence: ours optional, upstream required\n",
		"removed_response.yaml": "  paths./widgets/{widget_id}.get.responses.404: 1 fact changed; used by GET /widgets/{widget_id} 404\n    only ours     [response] (itself): response\n",
		"changed_type.yaml":     "  components/schemas/Widget: 1 fact changed; used by GET /widgets/{widget_id} 200\n    differs      [property] .id: ours string, upstream integer/int64\n",
	} {
		if got := summaryOf(driftBetween(t, fixture)); !strings.HasSuffix(got, want) {
			t.Errorf("%s: got\n%swant it to end with\n%s", fixture, got, want)
		}
	}
}

// TestSummaryPlacesNewUpstreamFactsInOurComponent: a property only upstream has is
// listed under the component of ours where it belongs (its nearest existing parent).
func TestSummaryPlacesNewUpstreamFactsInOurComponent(t *testing.T) {
	r, err := compareSpecs(context.Background(), "testdata/removed_property.yaml", "testdata/base.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := "  components/schemas/Widget: 1 fact changed; used by GET /widgets/{widget_id} 200\n    only upstream [property] .weight: number/double\n"
	if got := summaryOf(r); !strings.HasSuffix(got, want) {
		t.Errorf("got\n%swant it to end with\n%s", got, want)
	}
}

func TestUpstreamRunPrintsSummaryAfterDriftLines(t *testing.T) {
	root := copyRepo(t)
	code, out := runGenCheck(t, "-root", root, "-upstream", filepath.Join(repoRootForTest(t), "cmd", "gen-check", "testdata", "changed_type.yaml"))
	if code != exitDrift {
		t.Fatalf("exit %d, want %d:\n%s", code, exitDrift, out)
	}
	lastDrift := strings.LastIndex(out, "\ndrift: ")
	summary := strings.Index(out, "\nsummary: ")
	if lastDrift < 0 || summary < lastDrift {
		t.Errorf("want the summary after every drift: line:\n%s", out)
	}
}

// TestSummaryOnReferenceEdit: on the vendor's real description, an enum value removed
// from a component that the event endpoints and the webhook all use is one entry that
// names every place, instead of one drift line per wire path.
func TestSummaryOnReferenceEdit(t *testing.T) {
	ref := filepath.Join(repoRootForTest(t), "..", "shared", "reference", "fingerprint-server-api-v4.yaml")
	data, err := os.ReadFile(ref)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("reference description %s is absent (it lives in ../shared beside the repo); skipping", ref)
	} else if err != nil {
		t.Fatal(err)
	}
	const value = "      - aggregator\n"
	if strings.Count(string(data), value) != 1 {
		t.Fatalf("want exactly one %q in the reference", value)
	}
	edited := filepath.Join(t.TempDir(), "edited.yaml")
	if err := os.WriteFile(edited, []byte(strings.Replace(string(data), value, "", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := compareSpecs(context.Background(), filepath.Join(repoRootForTest(t), "api", "openapi.yaml"), edited)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.onlyOurs) < 3 {
		t.Fatalf("want the value dropped at 3 or more wire paths, got %q", r.onlyOurs)
	}
	got := summaryOf(r)
	t.Log("\n" + got)
	if !strings.HasPrefix(got, "summary: 1 part(s) of ours.yaml to edit") {
		t.Errorf("want one entry:\n%s", got)
	}
	if !strings.Contains(got, "  components/schemas/BotInfoCategory: 1 fact changed; used by ") {
		t.Errorf("want the entry for components/schemas/BotInfoCategory:\n%s", got)
	}
	for _, use := range []string{"GET /events/{event_id} 200 (bot_info.category)", "GET /events 200 (events[].bot_info.category)", "POST webhook:event body (bot_info.category)"} {
		if !strings.Contains(got, use) {
			t.Errorf("the entry does not name %q:\n%s", use, got)
		}
	}
}

// TestSummaryCountsNewPartsAsOneEdit: a new operation and a new response are one entry
// each, placed where they go in ours, with the count of their facts; the components they
// use (the existing Color, the new Error) get no entry of their own, since nothing in
// them changed.
func TestSummaryCountsNewPartsAsOneEdit(t *testing.T) {
	r := driftBetween(t, "added_operation.yaml")
	want := `summary: 2 part(s) of ours.yaml to edit; each wire fact once, with where it is used:
  paths./widgets/{widget_id}.get: 1 fact changed; used by GET /widgets/{widget_id}
    only upstream [response] 503: response (the whole part: 3 facts below it; upstream states them in components/schemas/Error)
  paths./widgets/{widget_id}/notes.post: 1 fact changed; not used by any operation of ours
    only upstream [operation] (itself): operation (the whole part: 17 facts below it; upstream states them in components/schemas/Color, components/schemas/Error, components/schemas/Note)
`
	if got := summaryOf(r); got != want {
		t.Errorf("got\n%swant\n%s", got, want)
	}
	// The other direction: what only ours has is grouped the same way.
	r, err := compareSpecs(context.Background(), "testdata/added_operation.yaml", "testdata/base.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got := summaryOf(r); !strings.Contains(got, "    only ours     [operation] (itself): operation (the whole part: 17 facts below it; ours states them in") {
		t.Errorf("only ours: got\n%s", got)
	}
}
