package eventjson_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/internal/eventjson"
)

// FuzzDecode feeds arbitrary bodies to the decoder of sealed results and webhooks: it
// returns exactly one of an event and an error, its errors wrap ErrInvalidEvent, and what
// it accepts is what encoding/json decodes, with event_id and timestamp set.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{"event_id":"1708102555327.NLOjmg","timestamp":1708102555327}`, "null", " ", "[]",
		`{"event_id":1}`, `{"event_id":"a"}`, `{"timestamp":1}`, `{"event_id":"a","timestamp":1,"rule_action":{"type":"block","status_code":403}}`,
		`{"event_id":"a","timestamp":1,"tags":{"a":[1,{"b":null}]}}`, "\xef\xbb\xbf{}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ev, err := eventjson.Decode(data)
		if (ev == nil) == (err == nil) {
			t.Fatalf("want exactly one of event and error, got %v and %v", ev, err)
		}
		if err != nil {
			if !errors.Is(err, eventjson.ErrInvalidEvent) {
				t.Fatalf("error %v does not wrap ErrInvalidEvent", err)
			}
			return
		}
		if ev.EventID == "" || ev.Timestamp == 0 {
			t.Fatalf("accepted an event without event_id or timestamp: %s", data)
		}
		var plain fingerprint.Event
		if err := json.Unmarshal(data, &plain); err != nil {
			t.Fatalf("accepted what encoding/json rejects (%v)", err)
		}
		b1, _ := json.Marshal(ev)
		b2, _ := json.Marshal(&plain)
		if !bytes.Equal(b1, b2) {
			t.Fatalf("decoders disagree:\n%s\n%s", b1, b2)
		}
	})
}

func TestDecode(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		ok         bool
	}{
		{name: "minimal", body: `{"event_id":"1.a","timestamp":1}`, ok: true},
		{name: "missing event_id", body: `{"timestamp":1}`},
		{name: "missing timestamp", body: `{"event_id":"1.a"}`},
		{name: "not an object", body: `[]`},
		{name: "wrong type", body: `{"event_id":1,"timestamp":1}`},
	} {
		ev, err := eventjson.Decode([]byte(tc.body))
		if tc.ok != (err == nil) || (err != nil && !errors.Is(err, eventjson.ErrInvalidEvent)) {
			t.Errorf("%s: Decode = %v, %v", tc.name, ev, err)
		}
	}
}
