package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
)

// newerEventJSON is an event with fields newer than this fpctl (at the top level, inside
// bot_info, identification, ip_info.v4, device_details and triggered_by[0]), recent
// enough for the default search window.
func newerEventJSON(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("../../../../fingerprint/testdata/newer_event.json")
	if err != nil {
		t.Fatal(err)
	}
	ts := strconv.FormatInt(time.Now().Add(-time.Hour).UnixMilli(), 10)
	return []byte(strings.Replace(string(b), `"timestamp": 1768478400000`, `"timestamp": `+ts, 1))
}

// runNewer runs fpctl against a fake server holding the newer event and 120 generated
// ones (two pages), off a terminal.
func runNewer(t *testing.T, sent []byte, args ...string) (stdout, stderr string) {
	t.Helper()
	var ev fingerprint.Event
	if err := json.Unmarshal(sent, &ev); err != nil {
		t.Fatal(err)
	}
	srv := fingerprinttest.NewServer(t, fingerprinttest.WithEvents(append(fingerprinttest.NewGenerator(5).Events(120), ev)...))
	var out, errb bytes.Buffer
	args = append(args[:1:1], append([]string{args[1], "--base-url", srv.URL()}, args[2:]...)...)
	code := Run(context.Background(), args, &Env{
		Stdout: &out, Stderr: &errb, Getenv: env(envSecretKey, srv.APIKey()),
		IsTerminal: func(io.Writer) bool { return false },
	})
	if code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, errb.String())
	}
	return out.String(), errb.String()
}

func sameJSON(t *testing.T, what string, got, want []byte) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("%s: %v: %s", what, err, got)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s: not the event the server sent:\n%s", what, got)
	}
}

// TestExportsKeepUnknownFields: events get and events search --format json|jsonl write
// each event as the server sent it, fields newer than fpctl included.
func TestExportsKeepUnknownFields(t *testing.T) {
	sent := newerEventJSON(t)
	var id struct {
		EventID string `json:"event_id"`
	}
	_ = json.Unmarshal(sent, &id)

	out, _ := runNewer(t, sent, "events", "get", id.EventID)
	sameJSON(t, "events get", []byte(out), sent)

	out, _ = runNewer(t, sent, "events", "search", "--format", "jsonl")
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 121 {
		t.Fatalf("jsonl: %d lines, want 121", len(lines))
	}
	found := 0
	for _, l := range lines {
		if strings.Contains(l, id.EventID) {
			found++
			sameJSON(t, "search jsonl", []byte(l), sent)
		}
	}

	out, _ = runNewer(t, sent, "events", "search", "--format", "json")
	var arr []json.RawMessage
	if err := json.Unmarshal([]byte(out), &arr); err != nil || len(arr) != 121 {
		t.Fatalf("json: %v, %d events", err, len(arr))
	}
	for _, e := range arr {
		if bytes.Contains(e, []byte(id.EventID)) {
			found++
			sameJSON(t, "search json", e, sent)
		}
	}
	if found != 2 {
		t.Errorf("the newer event appeared %d times, want once per format", found)
	}
}

// TestCSVFieldsNameUnknownFields: --fields may name fields fpctl does not know, at the top
// level and inside a known object; such a name is a note on stderr, not an error.
func TestCSVFieldsNameUnknownFields(t *testing.T) {
	sent := newerEventJSON(t)
	out, errOut := runNewer(t, sent, "events", "search", "--format", "csv", "--fields",
		"event_id,device_details.device_model,brand_new_signal.x,bot_info.new_member,identification.new_id_field.a,brand_new_signal.nested.1.z")
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows[1:] {
		if r[2] != "" {
			got = r
		}
	}
	want := []string{"", "SM-S911B", "42", "z", "true", "[true]"}
	if got == nil || !reflect.DeepEqual(got[1:], want[1:]) {
		t.Errorf("row of the newer event: %q, want %q", got, want)
	}
	// One note naming each unknown full path once (it named brand_new_signal twice, and
	// only its first segment).
	wantNote := "fpctl: note: --fields: brand_new_signal.x, bot_info.new_member, identification.new_id_field.a, brand_new_signal.nested.1.z are not fields this fpctl knows"
	if !strings.Contains(errOut, wantNote) || strings.Count(errOut, "note:") != 1 {
		t.Errorf("stderr %q, want one note starting %q", errOut, wantNote)
	}
	if strings.Contains(errOut, "device_details") {
		t.Errorf("a known field was noted: %s", errOut)
	}
}

// TestCSVFieldsStillRejectPathsThroughValues: a path into a value that has no fields is
// still a usage error.
func TestCSVFieldsStillRejectPathsThroughValues(t *testing.T) {
	if _, _, err := parseFields("event_id.x"); err == nil {
		t.Error("event_id.x accepted")
	}
	if _, _, err := parseFields("triggered_by.first"); err == nil {
		t.Error("a list indexed by a name accepted")
	}
}
