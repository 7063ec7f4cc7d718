package fingerprint_test

import (
	"fmt"
	"log"

	"github.com/fpgo/fingerprint-go/fingerprint"
)

// A key built from raw bytes (from a secrets manager, say) prints redacted, alone or
// inside your own structs, and compares with Equal.
func ExampleNewDecryptionKey() {
	raw := make([]byte, 32) // your 32 key bytes
	key := fingerprint.NewDecryptionKey(raw, fingerprint.AlgorithmAES256GCM)
	type config struct{ sealedKey fingerprint.DecryptionKey }
	fmt.Println(key)
	fmt.Println(len(key.Bytes()), key.Equal(fingerprint.NewDecryptionKey(raw, fingerprint.AlgorithmAES256GCM)))
	_ = config{sealedKey: key} // fmt.Printf("%+v", cfg) shows an address, never the bytes
	// Output:
	// DecryptionKey{Algorithm: "aes-256-gcm", Key: [32 bytes redacted]}
	// 32 true
}

// Printing or logging a Client never shows its key.
func ExampleClient_String() {
	client, err := fingerprint.NewClient("sk_example_key_0123456789", fingerprint.WithRegion(fingerprint.RegionEU))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%v\n", client)
	// Output: fingerprint.Client{baseURL:"https://eu.api.fpjs.io/v4", key:[REDACTED]}
}
