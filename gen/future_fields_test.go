package gen_test

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/fpgo/fingerprint-go/gen"
)

// TestFutureEventDecodes feeds an event from a newer API version: unknown
// fields and unknown enum values must not break decoding, and unknown enum
// values must survive a re-encode.
func TestFutureEventDecodes(t *testing.T) {
	data := readFile(t, filepath.Join(fixtureDir, "future", "event_future_fields.json"))
	var ev gen.Event
	if err := json.Unmarshal(data, &ev); err != nil {
		t.Fatalf("an event with unknown fields and enum values must decode: %v", err)
	}

	if ev.EventID != "1893456000000.Fut001" || ev.Timestamp != 1893456000000 {
		t.Errorf("known fields lost: event_id %q, timestamp %d", ev.EventID, ev.Timestamp)
	}
	if ev.Source == nil || *ev.Source != "satellite" || ev.Source.Valid() {
		t.Errorf("source = %v; want the unknown value kept and reported as not Valid()", ev.Source)
	}
	if ev.BotInfo == nil || ev.BotInfo.Category != "quantum_agent" || ev.BotInfo.Category.Valid() {
		t.Errorf("bot_info.category = %+v; want the unknown value kept", ev.BotInfo)
	}
	if ev.SDK == nil || ev.SDK.Platform != "watchos" {
		t.Errorf("sdk.platform = %+v; want the unknown value kept", ev.SDK)
	}
	if ev.Proximity == nil || ev.Proximity.PrecisionRadius != 5 || ev.Proximity.PrecisionRadius.Valid() {
		t.Errorf("proximity.precision_radius = %+v; want the unknown value 5 kept", ev.Proximity)
	}
	if ev.RuleAction == nil {
		t.Fatal("rule_action with an unknown type was dropped")
	}
	if kind, err := ev.RuleAction.Discriminator(); err != nil || kind != "challenge" {
		t.Errorf("rule_action discriminator = %q, %v; want challenge", kind, err)
	}
	if _, err := ev.RuleAction.ValueByDiscriminator(); err == nil {
		t.Error("ValueByDiscriminator on an unknown rule action type: want an error, got none")
	}

	// Re-encoding keeps every known field and every unknown enum value; fields
	// the generated types do not know are dropped, except inside rule_action,
	// whose union keeps its raw JSON.
	out, err := json.Marshal(&ev)
	if err != nil {
		t.Fatal(err)
	}
	want := decodeAny(t, data).(map[string]any)
	delete(want, "holographic_signal")
	delete(want["bot_info"].(map[string]any), "lineage")
	delete(want["identification"].(map[string]any), "stability")
	wantJSON, _ := json.Marshal(want)
	assertSameJSON(t, wantJSON, out)
}
