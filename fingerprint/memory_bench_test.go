package fingerprint_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
	"github.com/fpgo/fingerprint-go/gen"
)

// BenchmarkDecodeSearchPage compares, on a page of 100 generated events, a plain
// json.Unmarshal into gen.EventSearch (the floor), the bounded decode SearchEvents uses (pre-scan, then the
// same Unmarshal), and the alternative it was measured against: a json.Decoder that
// streams the events array and stops past the limit.
func BenchmarkDecodeSearchPage(b *testing.B) {
	full := make([]fingerprint.Event, 100)
	for i := range full {
		full[i] = fingerprinttest.FullEvent()
	}
	for _, events := range []struct {
		name   string
		events []fingerprint.Event
	}{{"generated", fingerprinttest.NewGenerator(7).Events(100)}, {"full", full}} {
		b.Run("page="+events.name, func(b *testing.B) { benchDecodePage(b, events.events) })
	}
}

func benchDecodePage(b *testing.B, events []fingerprint.Event) {
	page, err := json.Marshal(fingerprint.EventSearch{Events: events})
	if err != nil {
		b.Fatal(err)
	}
	res := fingerprint.OKResponse(page)
	b.Run("impl=stdlib", func(b *testing.B) {
		b.SetBytes(int64(len(page)))
		b.ReportAllocs()
		for b.Loop() {
			var p gen.EventSearch // the generated struct: no Event.UnmarshalJSON per element
			if err := json.Unmarshal(page, &p); err != nil || len(p.Events) != 100 {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=bounded", func(b *testing.B) {
		b.SetBytes(int64(len(page)))
		b.ReportAllocs()
		for b.Loop() {
			p, err := fingerprint.DecodeSearchPage(res, 100)
			if err != nil || len(p.Events) != 100 {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=stream", func(b *testing.B) {
		b.SetBytes(int64(len(page)))
		b.ReportAllocs()
		for b.Loop() {
			p, err := streamDecodePage(page, 100)
			if err != nil || len(p.Events) != 100 {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=prescan-only", func(b *testing.B) {
		b.SetBytes(int64(len(page)))
		for b.Loop() {
			if _, _, ok := fingerprint.CountEvents(page, 100, fingerprint.SearchValueLimit(100)); !ok {
				b.Fatal("rejected")
			}
		}
	})
}

// streamDecodePage is the measured alternative: json.Decoder tokens up to "events", then
// one Decode per element, stopping past limit. (Unknown top-level keys are skipped.)
func streamDecodePage(data []byte, limit int) (*fingerprint.EventSearch, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	var page fingerprint.EventSearch
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := t.(string)
		switch strings.ToLower(key) {
		case "events":
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			for dec.More() {
				if len(page.Events) == limit {
					return nil, errors.New("too many events")
				}
				page.Events = append(page.Events, fingerprint.Event{})
				if err := dec.Decode(&page.Events[len(page.Events)-1]); err != nil {
					return nil, err
				}
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
		case "pagination_key":
			if err := dec.Decode(&page.PaginationKey); err != nil {
				return nil, err
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, err
			}
		}
	}
	return &page, nil
}
