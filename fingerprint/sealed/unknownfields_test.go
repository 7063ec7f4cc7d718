package sealed_test

import (
	"encoding/json"
	"os"
	"reflect"
	"testing"

	"github.com/fpgo/fingerprint-go/fingerprint/sealed"
)

// TestUnsealKeepsUnknownFields: a sealed result with fields newer than the SDK (at the top
// level and inside known objects) unseals into an Event that marshals back to it.
func TestUnsealKeepsUnknownFields(t *testing.T) {
	t.Parallel()
	plain, err := os.ReadFile("../testdata/newer_event.json")
	if err != nil {
		t.Fatal(err)
	}
	key := randomKey(t)
	ev, err := sealed.Unseal(mustSeal(t, plain, key), []sealed.Key{key}, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	var got, want map[string]any
	if json.Unmarshal(b, &got) != nil || json.Unmarshal(plain, &want) != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("marshalled event differs from the sealed JSON:\n%s", b)
	}
	if got["brand_new_signal"] == nil || got["identification"].(map[string]any)["new_id_field"] == nil {
		t.Error("unknown members lost")
	}
	var raw map[string]any
	if json.Unmarshal(ev.RawJSON(), &raw) != nil || !reflect.DeepEqual(raw, want) {
		t.Error("RawJSON is not the sealed JSON")
	}
}
