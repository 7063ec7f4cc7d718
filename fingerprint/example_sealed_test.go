package fingerprint_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
)

// Open a sealed result that arrives as raw bytes (UnsealEventBase64 takes the base64
// string the JavaScript agent gives the browser).
func ExampleUnsealEvent() {
	key, err := fingerprint.ParseDecryptionKey("ZXhhbXBsZS1rZXktbmV3LTAxMjM0NTY3ODlhYmNkZWY=")
	if err != nil {
		log.Fatal(err)
	}
	// In production these bytes come from the browser; here they are made for the example.
	sealed, err := fingerprint.SealEvent([]byte(`{"event_id":"1760000000123.Ab3xYz","timestamp":1760000000123}`), key)
	if err != nil {
		log.Fatal(err)
	}

	ev, err := fingerprint.UnsealEvent(sealed, key)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ev.EventID)

	// Bytes that are not a sealed result are refused before any key is tried.
	_, err = fingerprint.UnsealEvent([]byte("not a sealed result"), key)
	fmt.Println(errors.Is(err, fingerprint.ErrInvalidHeader))
	// Output:
	// 1760000000123.Ab3xYz
	// true
}

// Seal an event in a test, to feed the code that receives sealed results from browsers.
func ExampleSealEvent() {
	key, err := fingerprint.ParseDecryptionKey("ZXhhbXBsZS1rZXktbmV3LTAxMjM0NTY3ODlhYmNkZWY=")
	if err != nil {
		log.Fatal(err)
	}
	eventJSON, err := json.Marshal(fingerprinttest.FullEvent())
	if err != nil {
		log.Fatal(err)
	}
	a, err := fingerprint.SealEvent(eventJSON, key)
	if err != nil {
		log.Fatal(err)
	}
	b, err := fingerprint.SealEvent(eventJSON, key)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("a fresh nonce each time:", !bytes.Equal(a, b))

	ev, err := fingerprint.UnsealEvent(a, key)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ev.EventID, ev.Identification.VisitorID)
	// Output:
	// a fresh nonce each time: true
	// 1768478400000.8sVz6Q Xk3pR8vQ2mN7bL5tY9wZ
}
