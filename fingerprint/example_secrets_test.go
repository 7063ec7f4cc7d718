package fingerprint_test

import (
	"fmt"
	"log"

	"github.com/fpgo/fingerprint-go/fingerprint"
)

// Printing or logging a Client never shows its key.
func ExampleClient_String() {
	client, err := fingerprint.NewClient("sk_example_key_0123456789", fingerprint.WithRegion(fingerprint.RegionEU))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%v\n", client)
	// Output: fingerprint.Client{baseURL:"https://eu.api.fpjs.io/v4", key:[REDACTED]}
}
