package fingerprint_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
)

// A field the API added after this SDK was released (here brand_new_signal, and
// new_member inside bot_info) is read from RawJSON with a struct of your own, without
// upgrading; json.Marshal of the event keeps such fields too. (The fake server serves
// fields it does not know when the event it is given was decoded from JSON.)
func ExampleEvent_RawJSON() {
	var newer fingerprint.Event
	err := json.Unmarshal([]byte(`{"event_id":"1768478400000.aB3dE5","timestamp":1768478400000,
		"bot_info":{"category":"ai_crawler","provider":"Example","name":"ExampleBot","identity":"verified","confidence":"high","new_member":"m"},
		"brand_new_signal":{"result":true,"score":0.87}}`), &newer)
	if err != nil {
		log.Fatal(err)
	}
	srv, err := fingerprinttest.Start(fingerprinttest.WithEvents(newer))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	client, err := fingerprint.NewClient(srv.APIKey(), fingerprint.WithBaseURL(srv.URL()))
	if err != nil {
		log.Fatal(err)
	}

	event, err := client.GetEvent(context.Background(), "1768478400000.aB3dE5", nil)
	if err != nil {
		log.Fatal(err)
	}
	var extra struct {
		BrandNewSignal *struct {
			Result bool    `json:"result"`
			Score  float64 `json:"score"`
		} `json:"brand_new_signal"`
		BotInfo struct {
			NewMember string `json:"new_member"`
		} `json:"bot_info"`
	}
	if err := json.Unmarshal(event.RawJSON(), &extra); err != nil {
		log.Fatal(err)
	}
	fmt.Println(event.BotInfo.Name, extra.BrandNewSignal.Result, extra.BrandNewSignal.Score, extra.BotInfo.NewMember)
	// Output: ExampleBot true 0.87 m
}
