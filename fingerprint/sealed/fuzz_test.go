package sealed_test

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/fpgo/fingerprint-go/fingerprint/sealed"
)

// fuzzKey is fixed so the committed seeds (sealed with it) decrypt.
var fuzzKey = sealed.NewKey([]byte("fuzz-key-0123456789abcdef-32byte"), sealed.AlgorithmAES256GCM)

// FuzzUnseal feeds arbitrary sealed bytes to Unseal. Seeds in
// testdata/fuzz/FuzzUnseal include a valid payload sealed with fuzzKey.
func FuzzUnseal(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0x9E, 0x85, 0xDC, 0xED})
	keyTexts := []string{hex.EncodeToString(fuzzKey.Bytes()), base64.StdEncoding.EncodeToString(fuzzKey.Bytes()), string(fuzzKey.Bytes())}
	f.Fuzz(func(t *testing.T, blob []byte) {
		ev, err := sealed.Unseal(blob, []sealed.Key{fuzzKey}, nil)
		if (ev == nil) == (err == nil) {
			t.Fatalf("want exactly one of event and error, got %v and %v", ev, err)
		}
		if err == nil {
			if ev.EventID == "" || ev.Timestamp == 0 {
				t.Fatalf("accepted an event without id or timestamp: %+v", ev)
			}
			return
		}
		var ue *sealed.Error
		known := errors.As(err, &ue)
		for _, s := range []error{sealed.ErrInvalidHeader, sealed.ErrTooShort, sealed.ErrDecompress, sealed.ErrTooLarge, sealed.ErrInvalidEvent} {
			known = known || errors.Is(err, s)
		}
		if !known {
			t.Fatalf("untyped error: %v", err)
		}
		for _, k := range keyTexts {
			if strings.Contains(err.Error(), k) {
				t.Fatalf("error reveals the key: %v", err)
			}
		}
	})
}

// FuzzUnsealDecrypted encrypts arbitrary bytes with fuzzKey, so the fuzzer reaches the
// DEFLATE and JSON stages that authentication normally shields.
func FuzzUnsealDecrypted(f *testing.F) {
	f.Add([]byte{0x03, 0x00}) // empty final fixed-Huffman block
	f.Add(deflate(f, []byte(`{"event_id":"1.a","timestamp":1}`)))
	opts := &sealed.Options{MaxDecompressedSize: 64 << 10}
	f.Fuzz(func(t *testing.T, compressed []byte) {
		ev, err := sealed.Unseal(sealRaw(t, compressed, fuzzKey.Bytes()), []sealed.Key{fuzzKey}, opts)
		if err == nil {
			if ev == nil || ev.EventID == "" || ev.Timestamp == 0 {
				t.Fatalf("accepted %+v", ev)
			}
			return
		}
		if ev != nil {
			t.Fatal("event returned with an error")
		}
		var ue *sealed.Error
		if errors.As(err, &ue) {
			t.Fatalf("authentic payload reported as a key failure: %v", err)
		}
		if !errors.Is(err, sealed.ErrDecompress) && !errors.Is(err, sealed.ErrTooLarge) && !errors.Is(err, sealed.ErrInvalidEvent) {
			t.Fatalf("untyped error: %v", err)
		}
	})
}
