package fingerprint_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
)

// startFakeAPI serves a tiny in-memory imitation of the Server API for the examples.
// Real code talks to the region's API host instead (see ExampleNewClient).
func startFakeAPI() *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /events/{id}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("id") != "1708102555327.NLOjmg" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"error":{"code":"event_not_found","message":"event id not found"}}`)
			return
		}
		fmt.Fprint(w, `{"event_id":"1708102555327.NLOjmg","timestamp":1708102555327,
			"identification":{"visitor_id":"Ibk1527CUFmcnjLwIs4A9","confidence":{"score":0.97}},"suspect":false}`)
	})
	mux.HandleFunc("GET /events", func(w http.ResponseWriter, r *http.Request) {
		// Two pages of one event each.
		if r.URL.Query().Get("pagination_key") == "" {
			fmt.Fprint(w, `{"events":[{"event_id":"1708102555327.NLOjmg","timestamp":1708102555327}],"pagination_key":"page2"}`)
			return
		}
		fmt.Fprint(w, `{"events":[{"event_id":"1708102599999.Abcdef","timestamp":1708102599999}]}`)
	})
	mux.HandleFunc("PATCH /events/{id}", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("DELETE /visitors/{id}", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("POST /edge", func(w http.ResponseWriter, r *http.Request) {
		var req fingerprint.EdgeRequest
		_ = json.NewDecoder(r.Body).Decode(&req)
		fmt.Fprintf(w, `{"event_id":"1708102600000.Edge01","timestamp":1708102600000,"source":"edge",
			"bot_info":{"category":"ai_agent","provider":"OpenAI","name":"ChatGPT Agent","identity":"signed","confidence":"high"},
			"ip_info":{"v4":{"address":%q}}}`, *req.IPv4Address)
	})
	return httptest.NewServer(mux)
}

// newExampleClient returns a client for the fake API.
func newExampleClient(srv *httptest.Server) *fingerprint.Client {
	client, err := fingerprint.NewClient("example-secret-key", fingerprint.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	return client
}

func ExampleNewClient() {
	client, err := fingerprint.NewClient("your-secret-api-key",
		fingerprint.WithRegion(fingerprint.RegionEU),
		fingerprint.WithTimeout(10*time.Second),
		fingerprint.WithMaxRetries(3),
	)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(client.BaseURL())

	// Misconfiguration is reported here, not on the first request.
	_, err = fingerprint.NewClient("")
	fmt.Println(err)
	_, err = fingerprint.NewClient("your-secret-api-key", fingerprint.WithRegion("moon"))
	fmt.Println(err)
	// Output:
	// https://eu.api.fpjs.io/v4
	// fingerprint: the secret API key is empty
	// fingerprint: unknown region "moon" (use RegionUS, RegionEU or RegionAsia)
}

func ExampleClient_GetEvent() {
	srv := startFakeAPI()
	defer srv.Close()
	client := newExampleClient(srv)

	event, err := client.GetEvent(context.Background(), "1708102555327.NLOjmg", nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(event.EventID, event.Identification.VisitorID)
	// Output: 1708102555327.NLOjmg Ibk1527CUFmcnjLwIs4A9
}

func ExampleClient_SearchEvents() {
	srv := startFakeAPI()
	defer srv.Close()
	client := newExampleClient(srv)

	page, err := client.SearchEvents(context.Background(), &fingerprint.SearchEventsParams{
		VisitorID: "Ibk1527CUFmcnjLwIs4A9",
		Limit:     1,
		Start:     time.Now().Add(-24 * time.Hour),
		Suspect:   fingerprint.Ptr(false),
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, ev := range page.Events {
		fmt.Println(ev.EventID)
	}
	if page.PaginationKey != nil {
		fmt.Println("more results after", *page.PaginationKey)
	}
	// Output:
	// 1708102555327.NLOjmg
	// more results after page2
}

func ExampleClient_SearchEventsIter() {
	srv := startFakeAPI()
	defer srv.Close()
	client := newExampleClient(srv)

	params := &fingerprint.SearchEventsParams{Limit: 100, Bot: fingerprint.SearchEventsParamsBotNone}
	for ev, err := range client.SearchEventsIter(context.Background(), params) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(ev.EventID)
	}
	// Output:
	// 1708102555327.NLOjmg
	// 1708102599999.Abcdef
}

func ExampleClient_UpdateEvent() {
	srv := startFakeAPI()
	defer srv.Close()
	client := newExampleClient(srv)

	tags := map[string]any{"order_id": "o-123"}
	err := client.UpdateEvent(context.Background(), "1708102555327.NLOjmg", fingerprint.EventUpdate{
		LinkedID: fingerprint.Ptr("user-42"),
		Tags:     &tags,
		Suspect:  fingerprint.Ptr(false), // false is sent, not dropped
	})
	fmt.Println(err)
	// Output: <nil>
}

func ExampleClient_DeleteVisitorData() {
	srv := startFakeAPI()
	defer srv.Close()
	client := newExampleClient(srv)

	err := client.DeleteVisitorData(context.Background(), "Ibk1527CUFmcnjLwIs4A9")
	fmt.Println(err)
	// Output: <nil>
}

func ExampleClient_AnalyzeRequest() {
	srv := startFakeAPI()
	defer srv.Close()
	client := newExampleClient(srv)

	res, err := client.AnalyzeRequest(context.Background(), &fingerprint.EdgeRequest{
		Method: "GET",
		URL:    "https://shop.example/checkout",
		Headers: []fingerprint.EdgeRequestHeader{
			{Name: "Host", Value: "shop.example"},
			{Name: "User-Agent", Value: "Mozilla/5.0"},
			{Name: "Cookie", Value: ""}, // credential headers: present, but empty
		},
		IPv4Address: fingerprint.Ptr("203.0.113.7"),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.EventID, res.BotInfo.Category, res.IPInfo.V4.Address)
	// Output: 1708102600000.Edge01 ai_agent 203.0.113.7
}

func ExampleAPIError() {
	srv := startFakeAPI()
	defer srv.Close()
	client := newExampleClient(srv)

	_, err := client.GetEvent(context.Background(), "no-such-event", nil)
	fmt.Println(errors.Is(err, fingerprint.ErrNotFound))
	var apiErr *fingerprint.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Code)
	}
	fmt.Println(err)
	// Output:
	// true
	// 404 event_not_found
	// fingerprint: GET /events/{event_id}: 404 event_not_found: event id not found
}

func ExampleValidationError() {
	client, err := fingerprint.NewClient("your-secret-api-key")
	if err != nil {
		log.Fatal(err)
	}
	// Checked before any request is sent.
	_, err = client.SearchEvents(context.Background(), &fingerprint.SearchEventsParams{Limit: 500})
	var ve *fingerprint.ValidationError
	fmt.Println(errors.As(err, &ve), ve.Field)
	fmt.Println(err)
	// Output:
	// true Limit
	// fingerprint: invalid Limit: limit must be between 1 and 100, got 500
}

func ExamplePtr() {
	update := fingerprint.EventUpdate{Suspect: fingerprint.Ptr(true)}
	fmt.Println(*update.Suspect)
	// Output: true
}

func ExampleWithLogger() {
	srv := startFakeAPI()
	defer srv.Close()

	// Drop the attributes that change from run to run (time, duration, the test server's port).
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		Level: slog.LevelDebug,
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			switch a.Key {
			case slog.TimeKey, "duration", "url":
				return slog.Attr{}
			}
			return a
		},
	}))
	client, err := fingerprint.NewClient("example-secret-key", fingerprint.WithBaseURL(srv.URL), fingerprint.WithLogger(logger))
	if err != nil {
		log.Fatal(err)
	}
	_, _ = client.GetEvent(context.Background(), "1708102555327.NLOjmg", nil)
	// Output:
	// level=DEBUG msg="fingerprint: request" method=GET path=/events/{event_id} attempt=1 status=200
}
