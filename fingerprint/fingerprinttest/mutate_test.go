package fingerprinttest

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/gen"
)

func TestUpdateEvent(t *testing.T) {
	ev := at("e1", 10)
	ev.Suspect = ptr(true)
	srv := NewServer(t, WithClock(fixedClock), WithEvents(ev, at("e2", 11)))

	r := call(t, srv, "PATCH", "/events/e1", `{"linked_id":"order-7","tags":{"a":1},"suspect":false}`)
	if r.status != http.StatusOK {
		t.Fatalf("r.status = %v, want %v", r.status, http.StatusOK)
	}
	if len(r.body) != 0 {
		t.Fatalf("r.body = %v, want empty", r.body)
	}
	got := decode[fingerprint.Event](t, call(t, srv, "GET", "/events/e1", nil))
	if have := *got.LinkedID; have != "order-7" {
		t.Fatalf("*got.LinkedID = %q, want %q", have, "order-7")
	}
	if have, expected := *got.Tags, (gen.Tags{"a": float64(1)}); !reflect.DeepEqual(have, expected) {
		t.Fatalf("*got.Tags = %v, want %v", have, expected)
	}
	if *got.Suspect {
		t.Fatalf("suspect:false is applied, not ignored: *got.Suspect is true, want false")
	}

	// Search sees the new values.
	if got, want := ids(search(t, srv, "suspect=false").Events), []string{"e1"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("ids(search(t, srv, \"suspect=false\").Events) = %v, want %v", got, want)
	}
	if len(search(t, srv, "suspect=true").Events) != 0 {
		t.Fatalf("search(t, srv, \"suspect=true\").Events = %v, want empty", search(t, srv, "suspect=true").Events)
	}
	if got, want := ids(search(t, srv, "linked_id=order-7").Events), []string{"e1"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("ids(search(t, srv, \"linked_id=order-7\").Events) = %v, want %v", got, want)
	}

	// Fields left out stay as they are.
	if got := call(t, srv, "PATCH", "/events/e1", `{"suspect":true}`).status; got != http.StatusOK {
		t.Fatalf("call(t, srv, \"PATCH\", \"/events/e1\", `{\"suspect\":true}`).status = %v, want %v", got, http.StatusOK)
	}
	got, _ = srv.Event("e1")
	if have := *got.LinkedID; have != "order-7" {
		t.Fatalf("*got.LinkedID = %q, want %q", have, "order-7")
	}
	if !*got.Suspect {
		t.Fatalf("*got.Suspect is false, want true")
	}

	wantError(t, call(t, srv, "PATCH", "/events/nope", `{"suspect":true}`), http.StatusNotFound, gen.ErrorCodeEventNotFound, "")
	wantError(t, call(t, srv, "PATCH", "/events/e1", `{"linked_id":"`+strings.Repeat("x", 257)+`"}`),
		http.StatusBadRequest, gen.ErrorCodeRequestCannotBeParsed, "linked_id can't be greater than 256 characters long")
	wantError(t, call(t, srv, "PATCH", "/events/e1", `{"suspect":"yes"}`), http.StatusBadRequest, gen.ErrorCodeRequestCannotBeParsed, "request body is not valid")
	wantError(t, call(t, srv, "PATCH", "/events/e1", `{not json`), http.StatusBadRequest, gen.ErrorCodeRequestCannotBeParsed, "request body is not valid")
	// Any Content-Type is read as JSON: TestUpdateReadsJSONWhateverTheContentType.
}

func TestUpdateDelayGivesStateNotReady(t *testing.T) {
	now := fixedNow
	clock := func() time.Time { return now }
	srv := NewServer(t, WithClock(clock), WithUpdateDelay(5*time.Second),
		WithEvents(fingerprint.Event{Event: gen.Event{EventID: "fresh", Timestamp: fixedNow.Add(-2 * time.Second).UnixMilli()}}))
	wantError(t, call(t, srv, "PATCH", "/events/fresh", `{"suspect":true}`), http.StatusConflict, gen.ErrorCodeStateNotReady, "resource is not mutable yet, try again")
	got, _ := srv.Event("fresh")
	if got.Suspect != nil {
		t.Fatalf("a rejected update changes nothing: got.Suspect = %v, want nil", got.Suspect)
	}
}

func TestDeleteVisitorData(t *testing.T) {
	mk := func(id, visitor string) fingerprint.Event {
		ev := at(id, 1)
		ev.Identification = &gen.Identification{VisitorID: visitor}
		return ev
	}
	srv := NewServer(t, WithClock(fixedClock), WithEvents(mk("a1", "VA"), mk("a2", "VA"), mk("b1", "VB")))

	r := call(t, srv, "DELETE", "/visitors/VA", nil)
	if r.status != http.StatusOK {
		t.Fatalf("r.status = %v, want %v", r.status, http.StatusOK)
	}
	if len(r.body) != 0 {
		t.Fatalf("r.body = %v, want empty", r.body)
	}
	if got, want := ids(srv.Events()), []string{"b1"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("ids(srv.Events()) = %v, want %v", got, want)
	}
	wantError(t, call(t, srv, "GET", "/events/a1", nil), http.StatusNotFound, gen.ErrorCodeEventNotFound, "")
	wantError(t, call(t, srv, "DELETE", "/visitors/VA", nil), http.StatusNotFound, gen.ErrorCodeVisitorNotFound, "visitor not found")
	wantError(t, call(t, srv, "DELETE", "/visitors/bad%20id", nil), http.StatusBadRequest, gen.ErrorCodeRequestCannotBeParsed, "invalid visitor id")

	noDelete := NewServer(t, WithoutDeleteAPI(), WithEvents(mk("x", "VX")))
	wantError(t, call(t, noDelete, "DELETE", "/visitors/VX", nil), http.StatusForbidden, gen.ErrorCodeFeatureNotEnabled, "")
	if got := len(noDelete.Events()); got != 1 {
		t.Fatalf("len(noDelete.Events()) = %d, want %d", got, 1)
	}
}

func edgeBody(extra string) string {
	return `{"headers":[{"name":"Host","value":"shop.example.com"},{"name":"User-Agent","value":"Mozilla/5.0 (compatible; GPTBot/1.2)"},{"name":"Cookie","value":""}],` +
		`"method":"POST","url":"https://shop.example.com/login?next=%2F"` + extra + `}`
}

func TestAnalyzeRequestCreatesAnEdgeEvent(t *testing.T) {
	srv := NewServer(t, WithClock(fixedClock), WithEvents(at("device", 1)))

	res := decode[gen.EdgeResponse](t, call(t, srv, "POST", "/edge", edgeBody(`,"ipv4_address":"192.0.2.10","linked_id":"L1","tags":{"k":"v"}`)))
	if got := *res.Source; got != gen.EventSourceEdge {
		t.Fatalf("*res.Source = %v, want %v", got, gen.EventSourceEdge)
	}
	if got, want := res.Timestamp, fixedNow.UnixMilli(); !reflect.DeepEqual(got, want) {
		t.Fatalf("res.Timestamp = %v, want %v", got, want)
	}
	if got := res.IPInfo.V4.Address; got != "192.0.2.10" {
		t.Fatalf("res.IPInfo.V4.Address = %q, want %q", got, "192.0.2.10")
	}
	if res.IPInfo.V4.Geolocation == nil {
		t.Fatalf("res.IPInfo.V4.Geolocation is nil")
	}
	if got := res.BotInfo.Name; got != "GPTBot" {
		t.Fatalf("res.BotInfo.Name = %q, want %q", got, "GPTBot")
	}
	if got := *res.LinkedID; got != "L1" {
		t.Fatalf("*res.LinkedID = %q, want %q", got, "L1")
	}

	ev := decode[gen.Event](t, call(t, srv, "GET", "/events/"+res.EventID, nil))
	if got := *ev.Source; got != gen.EventSourceEdge {
		t.Fatalf("*ev.Source = %v, want %v", got, gen.EventSourceEdge)
	}
	if ev.Identification != nil {
		t.Fatalf("edge events carry no identification: ev.Identification = %v, want nil", ev.Identification)
	}
	if got := *ev.URL; got != "https://shop.example.com/login?next=%2F" {
		t.Fatalf("*ev.URL = %q, want %q", got, "https://shop.example.com/login?next=%2F")
	}

	if got, want := ids(search(t, srv, "source=edge").Events), []string{res.EventID}; !reflect.DeepEqual(got, want) {
		t.Fatalf("ids(search(t, srv, \"source=edge\").Events) = %v, want %v", got, want)
	}
	if got, want := ids(search(t, srv, "").Events), []string{"device"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("ids(search(t, srv, \"\").Events) = %v, want %v", got, want)
	}
	if got, want := ids(search(t, srv, "source=edge&ip_address=192.0.2.0%2F24").Events), []string{res.EventID}; !reflect.DeepEqual(got, want) {
		t.Fatalf("ids(search(t, srv, \"source=edge&ip_address=192.0.2.0%%2F24\").Events) = %v, want %v", got, want)
	}

	forwarded := srv.EdgeRequests()
	if got := len(forwarded); got != 1 {
		t.Fatalf("len(forwarded) = %d, want %d", got, 1)
	}
	if got := forwarded[0].Headers[2].Name; got != "Cookie" {
		t.Fatalf("forwarded[0].Headers[2].Name = %q, want %q", got, "Cookie")
	}
	if got := forwarded[0].Headers[2].Value; got != "" {
		t.Fatalf("forwarded[0].Headers[2].Value = %q, want %q", got, "")
	}
	forwarded[0].Headers[2].Value = "changed by the caller"
	if got := srv.EdgeRequests()[0].Headers[2].Value; got != "" {
		t.Fatalf("callers get copies: srv.EdgeRequests()[0].Headers[2].Value = %q, want %q", got, "")
	}
}

func TestAnalyzeRequestIPv4MappedAndBots(t *testing.T) {
	srv := NewServer(t, WithClock(fixedClock))
	res := decode[gen.EdgeResponse](t, call(t, srv, "POST", "/edge", `{"headers":[{"name":"User-Agent","value":"Mozilla/5.0"}],"method":"get","url":"http://a.example/","ipv6_address":"::ffff:198.51.100.9"}`))
	if got := res.IPInfo.V4.Address; got != "198.51.100.9" {
		t.Fatalf("an IPv4-mapped address is reported as v4: res.IPInfo.V4.Address = %q, want %q", got, "198.51.100.9")
	}
	if res.IPInfo.V6 != nil {
		t.Fatalf("res.IPInfo.V6 = %v, want nil", res.IPInfo.V6)
	}
	if res.BotInfo != nil {
		t.Fatalf("an ordinary browser is no bot: res.BotInfo = %v, want nil", res.BotInfo)
	}

	res = decode[gen.EdgeResponse](t, call(t, srv, "POST", "/edge", `{"headers":[{"name":"user-agent","value":"curl/8.5.0"}],"method":"GET","url":"https://a.example/","ipv4_address":"192.0.2.1","ipv6_address":"2001:db8::1"}`))
	if got := res.IPInfo.V6.Address; got != "2001:db8::1" {
		t.Fatalf("res.IPInfo.V6.Address = %q, want %q", got, "2001:db8::1")
	}
	if res.BotInfo.Category != gen.BotInfoCategoryScraping {
		t.Fatalf("res.BotInfo.Category = %v, want %v", res.BotInfo.Category, gen.BotInfoCategoryScraping)
	}
}

func TestAnalyzeRequestRejectsInvalidBodies(t *testing.T) {
	srv := NewServer(t, WithMaxBodyBytes(2048))
	cases := []struct {
		name, body string
		status     int
		message    string
	}{
		{name: "unknown field", body: edgeBody(`,"ipv4_address":"192.0.2.1","unknown":1`), status: 400, message: `request body contains an unknown field "unknown"`},
		{name: "no ip", body: edgeBody(``), status: 400, message: "at least one of ipv4_address or ipv6_address is required"},
		{name: "bad ipv4", body: edgeBody(`,"ipv4_address":"192.0.2"`), status: 400, message: ""},
		{name: "relative url", body: `{"headers":[{"name":"a","value":"b"}],"method":"GET","url":"/login","ipv4_address":"192.0.2.1"}`, status: 400, message: ""},
		{name: "no headers", body: `{"headers":[],"method":"GET","url":"https://a.example/","ipv4_address":"192.0.2.1"}`, status: 400, message: "request body is not valid"},
		{name: "missing method", body: `{"headers":[{"name":"a","value":"b"}],"url":"https://a.example/","ipv4_address":"192.0.2.1"}`, status: 400, message: "request body is not valid"},
		{name: "long linked_id", body: edgeBody(`,"ipv4_address":"192.0.2.1","linked_id":"` + strings.Repeat("x", 300) + `"`), status: 400, message: "linked_id can't be greater than 256 characters long"},
		{name: "too large", body: edgeBody(`,"ipv4_address":"192.0.2.1","tags":{"pad":"` + strings.Repeat("x", 3000) + `"}`), status: 413, message: "payload too large"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code := gen.ErrorCodeRequestCannotBeParsed
			if c.status == 413 {
				code = gen.ErrorCodePayloadTooLarge
			}
			wantError(t, call(t, srv, "POST", "/edge", c.body), c.status, code, c.message)
		})
	}
	if len(srv.Events()) != 0 {
		t.Fatalf("rejected requests create no events: srv.Events() = %v, want empty", srv.Events())
	}
}

func TestSlowBodyGetsRequestReadTimeout(t *testing.T) {
	srv := NewServer(t, WithBodyReadTimeout(100*time.Millisecond))
	var d net.Dialer
	conn, err := d.DialContext(t.Context(), "tcp", strings.TrimPrefix(strings.TrimSuffix(srv.URL(), BasePath), "http://"))
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	defer conn.Close()
	_, err = fmt.Fprintf(conn, "POST /v4/edge HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"headers\":", srv.APIKey())
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	// ...and the rest of the body never comes.
	_ = conn.SetReadDeadline(time.Now().Add(3 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	wantError(t, response{status: res.StatusCode, header: res.Header, body: b}, http.StatusBadRequest, gen.ErrorCodeRequestReadTimeout, "request read timeout")
}

// TestEdgeRejectsWhatTheAPICannotAnalyse: the fake refuses what AnalyzeRequest refuses
// before sending, so a test of edge code through the fake catches a request the API
// would not analyse (issue 17 §1: a '#' in the raw query reached the URL).
func TestEdgeRejectsWhatTheAPICannotAnalyse(t *testing.T) {
	srv := NewServer(t, WithClock(fixedClock))
	ip := `,"ipv4_address":"192.0.2.10"`
	for name, tc := range map[string]struct{ body, message string }{
		"fragment":   {strings.Replace(edgeBody(ip), "next=%2F", "next=%2F#top", 1), "invalid url"},
		"bare #":     {strings.Replace(edgeBody(ip), "next=%2F", "next=a#", 1), "invalid url"},
		"no host":    {strings.Replace(edgeBody(ip), "https://shop.example.com", "https://", 1), "invalid url"},
		"bad host":   {strings.Replace(edgeBody(ip), "shop.example.com/", "[shop/", 1), "invalid url"},
		"no method":  {strings.Replace(edgeBody(ip), `"method":"POST"`, `"method":" "`, 1), "invalid method"},
		"empty name": {strings.Replace(edgeBody(ip), `"name":"Cookie"`, `"name":""`, 1), "invalid header name"},
	} {
		t.Run(name, func(t *testing.T) {
			wantError(t, call(t, srv, "POST", "/edge", tc.body), http.StatusBadRequest,
				gen.ErrorCodeRequestCannotBeParsed, tc.message)
		})
	}
	if len(srv.Events()) != 0 {
		t.Fatalf("srv.Events() = %v, want empty", srv.Events())
	}
}
