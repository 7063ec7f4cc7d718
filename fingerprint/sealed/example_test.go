package sealed_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log"

	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
	"github.com/fpgo/fingerprint-go/fingerprint/sealed"
)

func ExampleUnsealBase64() {
	// Keys come from the dashboard as base64. During a rotation, pass both keys:
	// they are tried in order.
	newKey, err := sealed.ParseKey("ZXhhbXBsZS1rZXktbmV3LTAxMjM0NTY3ODlhYmNkZWY=")
	if err != nil {
		log.Fatal(err)
	}
	oldKey, err := sealed.ParseKey("ZXhhbXBsZS1rZXktb2xkLTAxMjM0NTY3ODlhYmNkZWY=")
	if err != nil {
		log.Fatal(err)
	}

	// In production the browser sends this string to your backend. Here we make one.
	blob, err := sealed.Seal([]byte(`{"event_id":"1760000000123.Ab3xYz","timestamp":1760000000123,
		"identification":{"visitor_id":"vX9pQ2mL7sT4rW8kJ3nB","visitor_found":true,"confidence":{"score":0.99}}}`), newKey)
	if err != nil {
		log.Fatal(err)
	}
	sealedBase64 := base64.StdEncoding.EncodeToString(blob)

	ev, err := sealed.UnsealBase64(sealedBase64, []sealed.Key{oldKey, newKey}, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ev.EventID)
	if ev.Identification != nil {
		fmt.Println(ev.Identification.VisitorID)
	}

	// With only the old key, every key's failure is reported (without key material).
	_, err = sealed.UnsealBase64(sealedBase64, []sealed.Key{oldKey}, nil)
	var ue *sealed.Error
	fmt.Println(errors.As(err, &ue), errors.Is(err, sealed.ErrDecrypt))
	// Output:
	// 1760000000123.Ab3xYz
	// vX9pQ2mL7sT4rW8kJ3nB
	// true true
}

func ExampleParseKey() {
	key, err := sealed.ParseKey("ZXhhbXBsZS1rZXktbmV3LTAxMjM0NTY3ODlhYmNkZWY=")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(key.Bytes()), key.Algorithm)
	fmt.Println(key) // printing a key never shows it

	_, err = sealed.ParseKey("dG9vIHNob3J0")
	fmt.Println(errors.Is(err, sealed.ErrInvalidKey))
	// Output:
	// 32 aes-256-gcm
	// sealed.Key{Algorithm: "aes-256-gcm", Key: [32 bytes redacted]}
	// true
}

func ExampleUnseal_options() {
	key, err := sealed.ParseKey("ZXhhbXBsZS1rZXktbmV3LTAxMjM0NTY3ODlhYmNkZWY=")
	if err != nil {
		log.Fatal(err)
	}
	blob, err := sealed.Seal([]byte(`{"event_id":"1760000000123.Ab3xYz","timestamp":1760000000123}`), key)
	if err != nil {
		log.Fatal(err)
	}

	// Lower the cap on the decompressed event (DefaultMaxDecompressedSize is 4 MiB).
	ev, err := sealed.Unseal(blob, []sealed.Key{key}, &sealed.Options{MaxDecompressedSize: 64 << 10})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ev.EventID)

	// A payload over the cap is refused, never truncated.
	_, err = sealed.Unseal(blob, []sealed.Key{key}, &sealed.Options{MaxDecompressedSize: 16})
	fmt.Println(errors.Is(err, sealed.ErrTooLarge))
	// Output:
	// 1760000000123.Ab3xYz
	// true
}

// Open a sealed result that arrives as raw bytes (UnsealBase64 takes the base64
// string the JavaScript agent gives the browser).
func ExampleUnseal() {
	key, err := sealed.ParseKey("ZXhhbXBsZS1rZXktbmV3LTAxMjM0NTY3ODlhYmNkZWY=")
	if err != nil {
		log.Fatal(err)
	}
	// In production these bytes come from the browser; here they are made for the example.
	blob, err := sealed.Seal([]byte(`{"event_id":"1760000000123.Ab3xYz","timestamp":1760000000123}`), key)
	if err != nil {
		log.Fatal(err)
	}

	ev, err := sealed.Unseal(blob, []sealed.Key{key}, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ev.EventID)

	// Bytes that are not a sealed result are refused before any key is tried.
	_, err = sealed.Unseal([]byte("not a sealed result"), []sealed.Key{key}, nil)
	fmt.Println(errors.Is(err, sealed.ErrInvalidHeader))
	// Output:
	// 1760000000123.Ab3xYz
	// true
}

// Seal an event in a test, to feed the code that receives sealed results from browsers.
func ExampleSeal() {
	key, err := sealed.ParseKey("ZXhhbXBsZS1rZXktbmV3LTAxMjM0NTY3ODlhYmNkZWY=")
	if err != nil {
		log.Fatal(err)
	}
	eventJSON, err := json.Marshal(fingerprinttest.FullEvent())
	if err != nil {
		log.Fatal(err)
	}
	a, err := sealed.Seal(eventJSON, key)
	if err != nil {
		log.Fatal(err)
	}
	b, err := sealed.Seal(eventJSON, key)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("a fresh nonce each time:", !bytes.Equal(a, b))

	ev, err := sealed.Unseal(a, []sealed.Key{key}, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ev.EventID, ev.Identification.VisitorID)
	// Output:
	// a fresh nonce each time: true
	// 1768478400000.8sVz6Q Xk3pR8vQ2mN7bL5tY9wZ
}

// A key built from raw bytes (from a secrets manager, say) prints redacted, alone or
// inside your own structs, and compares with Equal.
func ExampleNewKey() {
	raw := make([]byte, 32) // your 32 key bytes
	key := sealed.NewKey(raw, sealed.AlgorithmAES256GCM)
	type config struct{ sealedKey sealed.Key }
	fmt.Println(key)
	fmt.Println(len(key.Bytes()), key.Equal(sealed.NewKey(raw, sealed.AlgorithmAES256GCM)))
	_ = config{sealedKey: key} // fmt.Printf("%+v", cfg) shows an address, never the bytes
	// Output:
	// sealed.Key{Algorithm: "aes-256-gcm", Key: [32 bytes redacted]}
	// 32 true
}
