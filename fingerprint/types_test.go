package fingerprint_test

import (
	"context"
	"net/url"
	"reflect"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
)

// TestOneTagsType checks that one Tags value can be passed to EventUpdate and EdgeRequest
// (this file did not compile when EventUpdate.Tags was *map[string]interface{}), that a
// plain map[string]any still can, and that the tags travel as written.
func TestOneTagsType(t *testing.T) {
	t.Parallel()
	ev := fingerprinttest.FullEvent()
	eventTime := time.UnixMilli(ev.Timestamp) // updates are refused a month after the event
	srv := fingerprinttest.NewServer(t, fingerprinttest.WithEvents(ev),
		fingerprinttest.WithClock(func() time.Time { return eventTime.Add(time.Hour) }))
	client, err := fingerprint.NewClient(srv.APIKey(), fingerprint.WithBaseURL(srv.URL()))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	tags := fingerprint.Tags{"order_id": "o-1", "items": 3.0}
	if err := client.UpdateEvent(ctx, ev.EventID, fingerprint.EventUpdate{Tags: &tags}); err != nil {
		t.Fatal(err)
	}
	got, err := client.GetEvent(ctx, ev.EventID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Tags == nil || !reflect.DeepEqual(*got.Tags, tags) {
		t.Fatalf("tags after update = %v, want %v", got.Tags, tags)
	}

	// The same value goes into an edge request, and a tags map read from an event
	// goes back into an update without conversion.
	_, err = client.AnalyzeRequest(ctx, &fingerprint.EdgeRequest{
		Method:      "GET",
		URL:         "https://shop.example/",
		Headers:     []fingerprint.EdgeRequestHeader{{Name: "User-Agent", Value: "Mozilla/5.0"}},
		IPv4Address: fingerprint.Ptr("203.0.113.7"),
		Tags:        &tags,
	})
	if err != nil {
		t.Fatal(err)
	}
	if sent := srv.EdgeRequests(); len(sent) != 1 || sent[0].Tags == nil || !reflect.DeepEqual(*sent[0].Tags, tags) {
		t.Fatalf("edge request tags = %+v, want %v", sent, tags)
	}
	if err := client.UpdateEvent(ctx, ev.EventID, fingerprint.EventUpdate{Tags: got.Tags}); err != nil {
		t.Fatal(err)
	}

	// Code written for the old field type, *map[string]interface{}, keeps compiling.
	plain := map[string]any{"order_id": "o-2"}
	if err := client.UpdateEvent(ctx, ev.EventID, fingerprint.EventUpdate{Tags: &plain}); err != nil {
		t.Fatal(err)
	}
	if got, err := client.GetEvent(ctx, ev.EventID, nil); err != nil || (*got.Tags)["order_id"] != "o-2" {
		t.Fatalf("tags after plain-map update = %v, %v", got, err)
	}

	// All three fields have the same type.
	want := reflect.TypeOf(&tags)
	for _, f := range []reflect.Type{
		reflect.TypeOf(fingerprint.EventUpdate{}.Tags),
		reflect.TypeOf(fingerprint.EdgeRequest{}.Tags),
		reflect.TypeOf(fingerprint.Event{}.Tags),
	} {
		if f != want {
			t.Errorf("Tags field type %v, want %v", f, want)
		}
	}
}

// TestSearchFilterTypesAreEventTypes checks that the search filters take the enum types of
// the event fields they filter, so a value read from an event filters a search directly,
// and that the named constants send the same query.
func TestSearchFilterTypesAreEventTypes(t *testing.T) {
	t.Parallel()
	ev := fingerprinttest.FullEvent()
	srv := fingerprinttest.NewServer(t)
	client, err := fingerprint.NewClient(srv.APIKey(), fingerprint.WithBaseURL(srv.URL()))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	params := fingerprint.SearchEventsParams{
		SDKPlatform: ev.SDK.Platform, // SDKPlatform, straight from the event
		Source:      []fingerprint.EventSource{fingerprint.EventSourceEdge},
	}
	if ev.IncrementalIdentificationStatus != nil {
		params.IncrementalIdentificationStatus = *ev.IncrementalIdentificationStatus
	}
	if _, err := client.SearchEvents(ctx, &params); err != nil {
		t.Fatal(err)
	}
	named := fingerprint.SearchEventsParams{
		SDKPlatform:                     fingerprint.SDKPlatformJS,
		IncrementalIdentificationStatus: fingerprint.IncrementalIdentificationStatusCompleted,
		Source:                          []fingerprint.EventSource{fingerprint.EventSourceEdge},
	}
	if _, err := client.SearchEvents(ctx, &named); err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2", len(reqs))
	}
	want := url.Values{"sdk_platform": {"js"}, "incremental_identification_status": {"completed"}, "source": {"edge"}}
	for i, r := range reqs {
		r.Query.Del("ii") // the SDK's own identification, on every request
		if !reflect.DeepEqual(r.Query, want) {
			t.Errorf("request %d query = %v, want %v", i, r.Query, want)
		}
	}
}
