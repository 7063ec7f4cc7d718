package fingerprint_test

import (
	"encoding/base64"
	"errors"
	"fmt"
	"log"

	"github.com/fpgo/fingerprint-go/fingerprint"
)

func ExampleUnsealEventBase64() {
	// Keys come from the dashboard as base64. During a rotation, pass both keys:
	// they are tried in order.
	newKey, err := fingerprint.ParseDecryptionKey("ZXhhbXBsZS1rZXktbmV3LTAxMjM0NTY3ODlhYmNkZWY=")
	if err != nil {
		log.Fatal(err)
	}
	oldKey, err := fingerprint.ParseDecryptionKey("ZXhhbXBsZS1rZXktb2xkLTAxMjM0NTY3ODlhYmNkZWY=")
	if err != nil {
		log.Fatal(err)
	}

	// In production the browser sends this string to your backend. Here we make one.
	sealed, err := fingerprint.SealEvent([]byte(`{"event_id":"1760000000123.Ab3xYz","timestamp":1760000000123,
		"identification":{"visitor_id":"vX9pQ2mL7sT4rW8kJ3nB","visitor_found":true,"confidence":{"score":0.99}}}`), newKey)
	if err != nil {
		log.Fatal(err)
	}
	sealedBase64 := base64.StdEncoding.EncodeToString(sealed)

	ev, err := fingerprint.UnsealEventBase64(sealedBase64, oldKey, newKey)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ev.EventID)
	if ev.Identification != nil {
		fmt.Println(ev.Identification.VisitorID)
	}

	// With only the old key, every key's failure is reported (without key material).
	_, err = fingerprint.UnsealEventBase64(sealedBase64, oldKey)
	var ue *fingerprint.UnsealError
	fmt.Println(errors.As(err, &ue), errors.Is(err, fingerprint.ErrDecrypt))
	// Output:
	// 1760000000123.Ab3xYz
	// vX9pQ2mL7sT4rW8kJ3nB
	// true true
}

func ExampleParseDecryptionKey() {
	key, err := fingerprint.ParseDecryptionKey("ZXhhbXBsZS1rZXktbmV3LTAxMjM0NTY3ODlhYmNkZWY=")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(key.Bytes()), key.Algorithm)
	fmt.Println(key) // printing a key never shows it

	_, err = fingerprint.ParseDecryptionKey("dG9vIHNob3J0")
	fmt.Println(errors.Is(err, fingerprint.ErrInvalidKey))
	// Output:
	// 32 aes-256-gcm
	// DecryptionKey{Algorithm: "aes-256-gcm", Key: [32 bytes redacted]}
	// true
}

func ExampleUnsealEventWithOptions() {
	key, err := fingerprint.ParseDecryptionKey("ZXhhbXBsZS1rZXktbmV3LTAxMjM0NTY3ODlhYmNkZWY=")
	if err != nil {
		log.Fatal(err)
	}
	sealed, err := fingerprint.SealEvent([]byte(`{"event_id":"1760000000123.Ab3xYz","timestamp":1760000000123}`), key)
	if err != nil {
		log.Fatal(err)
	}

	// Lower the cap on the decompressed event (DefaultMaxUnsealedSize is 4 MiB).
	ev, err := fingerprint.UnsealEventWithOptions(sealed, &fingerprint.UnsealEventOptions{MaxDecompressedSize: 64 << 10}, key)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ev.EventID)

	// A payload over the cap is refused, never truncated.
	_, err = fingerprint.UnsealEventWithOptions(sealed, &fingerprint.UnsealEventOptions{MaxDecompressedSize: 16}, key)
	fmt.Println(errors.Is(err, fingerprint.ErrUnsealedTooLarge))
	// Output:
	// 1760000000123.Ab3xYz
	// true
}
