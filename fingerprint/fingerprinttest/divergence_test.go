package fingerprinttest

// Behaviour where the fake used to differ from the real API in ways the vendor's own SDKs
// notice (the vendor's error examples and live-API scenarios are the reference).

import (
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/gen"
)

// The vendor's Node SDK sends PATCH bodies without a Content-Type, so fetch labels them
// text/plain;charset=UTF-8; the real API reads them as JSON all the same.
func TestUpdateReadsJSONWhateverTheContentType(t *testing.T) {
	fresh := fingerprint.Event{Event: gen.Event{EventID: "fresh", Timestamp: fixedNow.Add(-time.Second).UnixMilli()}}
	srv := NewServer(t, WithClock(fixedClock), WithUpdateDelay(5*time.Second), WithEvents(at("e1", 10), fresh))
	for _, ct := range []string{"", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "application/json"} {
		t.Run("content-type "+ct, func(t *testing.T) {
			hdr := []string{"Content-Type", ct}
			r := call(t, srv, "PATCH", "/events/e1", `{"linked_id":"L-`+ct+`"}`, hdr...)
			if got, want := r.status, http.StatusOK; !reflect.DeepEqual(got, want) {
				t.Fatalf("body: %s: r.status = %v, want %v", r.body, got, want)
			}
			got, _ := srv.Event("e1")
			if have, expected := *got.LinkedID, "L-"+ct; !reflect.DeepEqual(have, expected) {
				t.Fatalf("*got.LinkedID = %v, want %v", have, expected)
			}

			wantError(t, call(t, srv, "PATCH", "/events/1700000000000.nope00", `{"suspect":true}`, hdr...),
				http.StatusNotFound, gen.ErrorCodeEventNotFound, "event id not found")
			wantError(t, call(t, srv, "PATCH", "/events/fresh", `{"suspect":true}`, hdr...),
				http.StatusConflict, gen.ErrorCodeStateNotReady, "resource is not mutable yet, try again")
			wantError(t, call(t, srv, "PATCH", "/events/e1", `{"linked_id":"`+strings.Repeat("x", 257)+`"}`, hdr...),
				http.StatusBadRequest, gen.ErrorCodeRequestCannotBeParsed, "linked_id can't be greater than 256 characters long")
			wantError(t, call(t, srv, "PATCH", "/events/e1", `{not json`, hdr...),
				http.StatusBadRequest, gen.ErrorCodeRequestCannotBeParsed, "request body is not valid")

			res := decode[gen.EdgeResponse](t, call(t, srv, "POST", "/edge", edgeBody(`,"ipv4_address":"192.0.2.10"`), hdr...))
			if got := *res.Source; got != gen.EventSourceEdge {
				t.Fatalf("*res.Source = %v, want %v", got, gen.EventSourceEdge)
			}
		})
	}
	// The request log shows the Content-Type the client really sent.
	var sent []string
	for _, e := range srv.Requests() {
		if e.Operation == OpUpdateEvent && e.Status == http.StatusOK {
			sent = append(sent, e.Header.Get("Content-Type"))
		}
	}
	if got, want := sent, []string{"", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "application/json"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("sent = %v, want %v", got, want)
	}
}

func TestUpdateRejectsUnknownFields(t *testing.T) {
	srv := NewServer(t, WithClock(fixedClock), WithEvents(at("e1", 10)))
	for _, b := range []string{`{"invalid":"payload"}`, `{"suspect":true,"invalid":1}`} {
		wantError(t, call(t, srv, "PATCH", "/events/e1", b), http.StatusBadRequest, gen.ErrorCodeRequestCannotBeParsed,
			`request body contains an unknown field "invalid"`)
	}
	got, _ := srv.Event("e1")
	if got.Suspect != nil {
		t.Fatalf("a rejected update changes nothing: got.Suspect = %v, want nil", got.Suspect)
	}
}

// Events older than one month cannot be changed; the status is an assumption (see the
// README's "Differences from the real API").
func TestUpdateOfAnEventOlderThanOneMonth(t *testing.T) {
	old := fingerprint.Event{Event: gen.Event{EventID: "old", Timestamp: fixedNow.AddDate(0, -1, 0).Add(-time.Minute).UnixMilli()}}
	recent := fingerprint.Event{Event: gen.Event{EventID: "recent", Timestamp: fixedNow.AddDate(0, -1, 0).Add(time.Minute).UnixMilli()}}
	srv := NewServer(t, WithClock(fixedClock), WithEvents(old, recent))
	wantError(t, call(t, srv, "PATCH", "/events/old", `{"suspect":true}`), http.StatusBadRequest,
		gen.ErrorCodeRequestCannotBeParsed, "events older than one month can't be updated")
	got, _ := srv.Event("old")
	if got.Suspect != nil {
		t.Fatalf("got.Suspect = %v, want nil", got.Suspect)
	}
	if got := call(t, srv, "PATCH", "/events/recent", `{"suspect":true}`).status; got != http.StatusOK {
		t.Fatalf("call(t, srv, \"PATCH\", \"/events/recent\", `{\"suspect\":true}`).status = %v, want %v", got, http.StatusOK)
	}
}

func TestSearchRejectsLinkedIDOver256Characters(t *testing.T) {
	ev := at("e1", 1)
	ev.LinkedID = ptr(strings.Repeat("x", 256))
	srv := NewServer(t, WithClock(fixedClock), WithEvents(ev))
	wantError(t, call(t, srv, "GET", "/events?linked_id="+strings.Repeat("x", 257), nil), http.StatusBadRequest,
		gen.ErrorCodeRequestCannotBeParsed, "linked_id can't be greater than 256 characters long")
	if got, want := ids(search(t, srv, "linked_id="+strings.Repeat("x", 256)).Events), []string{"e1"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("ids(search(t, srv, \"linked_id=\"+strings.Repeat(\"x\", 256)).Events) = %v, want %v", got, want)
	}
}

// The limit counts characters, as the message says and as package fingerprint checks:
// 256 two-byte characters (512 bytes) are accepted on search, update and edge.
func TestLinkedIDLimitCountsCharacters(t *testing.T) {
	long := strings.Repeat("é", 256)
	ev := at("e1", 1)
	ev.LinkedID = ptr(long)
	srv := NewServer(t, WithClock(fixedClock), WithEvents(ev))
	if got, want := ids(search(t, srv, "linked_id="+url.QueryEscape(long)).Events), []string{"e1"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("ids(search(t, srv, \"linked_id=\"+url.QueryEscape(long)).Events) = %v, want %v", got, want)
	}
	res := call(t, srv, "PATCH", "/events/e1", []byte(`{"linked_id":"`+long+`"}`))
	if got, want := res.status, http.StatusOK; !reflect.DeepEqual(got, want) {
		t.Fatalf("%v: res.status = %v, want %v", res.body, got, want)
	}
	wantError(t, call(t, srv, "PATCH", "/events/e1", []byte(`{"linked_id":"`+long+`é"}`)), http.StatusBadRequest,
		gen.ErrorCodeRequestCannotBeParsed, "linked_id can't be greater than 256 characters long")
}

func TestSearchMalformedVisitorIDIs400(t *testing.T) {
	ev := at("e1", 1)
	ev.Identification = &gen.Identification{VisitorID: "known"}
	srv := NewServer(t, WithClock(fixedClock), WithEvents(ev))
	for _, v := range []string{"not a visitor id", "a/b", strings.Repeat("v", 257), "tab\there"} {
		wantError(t, call(t, srv, "GET", "/events?visitor_id="+url.QueryEscape(v), nil), http.StatusBadRequest,
			gen.ErrorCodeRequestCannotBeParsed, "invalid visitor id")
	}
	wantError(t, call(t, srv, "GET", "/events?visitor_id=WellFormedButUnknown", nil), http.StatusNotFound,
		gen.ErrorCodeVisitorNotFound, "visitor not found")
}

func TestSearchStartOlderThan90DaysIs400(t *testing.T) {
	srv := NewServer(t, WithClock(fixedClock), WithEvents(at("e1", 1)))
	tooOld := fixedNow.Add(-90*24*time.Hour - time.Second)
	for _, start := range []string{"0", strconv.FormatInt(tooOld.UnixMilli(), 10), url.QueryEscape(tooOld.Format(time.RFC3339))} {
		wantError(t, call(t, srv, "GET", "/events?start="+start, nil), http.StatusBadRequest,
			gen.ErrorCodeRequestCannotBeParsed, "invalid start time")
	}
	ok := fixedNow.Add(-90*24*time.Hour + time.Second)
	if got, want := ids(search(t, srv, "start="+strconv.FormatInt(ok.UnixMilli(), 10)).Events), []string{"e1"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("ids = %v, want %v", got, want)
	}
}

// A value that is not URL-escaped must not vanish silently (net/url drops such pairs).
func TestSearchUnescapedValuesAre400(t *testing.T) {
	srv := NewServer(t, WithClock(fixedClock), WithEvents(at("e1", 1), at("e2", 2)))
	wantError(t, call(t, srv, "GET", "/events?limit=1&pagination_key=%%%%", nil), http.StatusBadRequest,
		gen.ErrorCodeRequestCannotBeParsed, "invalid pagination key")
	wantError(t, call(t, srv, "GET", "/events?limit=%zz", nil), http.StatusBadRequest,
		gen.ErrorCodeRequestCannotBeParsed, "invalid limit")
	wantError(t, call(t, srv, "GET", "/events?%zz=1", nil), http.StatusBadRequest,
		gen.ErrorCodeRequestCannotBeParsed, "request cannot be parsed")
	wantError(t, call(t, srv, "GET", "/events/e1?ruleset_id=%G0", nil), http.StatusBadRequest,
		gen.ErrorCodeRequestCannotBeParsed, "invalid ruleset id")
}

func TestIPAddressWithAZoneIs400(t *testing.T) {
	srv := NewServer(t, WithClock(fixedClock))
	wantError(t, call(t, srv, "GET", "/events?ip_address="+url.QueryEscape("fe80::1%eth0"), nil), http.StatusBadRequest,
		gen.ErrorCodeRequestCannotBeParsed, "invalid ip address")
	wantError(t, call(t, srv, "POST", "/edge", edgeBody(`,"ipv6_address":"fe80::1%eth0"`)), http.StatusBadRequest,
		gen.ErrorCodeRequestCannotBeParsed, "invalid ipv6_address")
	if len(srv.Events()) != 0 {
		t.Fatalf("srv.Events() = %v, want empty", srv.Events())
	}
}
