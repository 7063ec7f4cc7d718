package fingerprinttest

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/gen"
	"github.com/stretchr/testify/require"
)

func TestUpdateEvent(t *testing.T) {
	ev := at("e1", 10)
	ev.Suspect = ptr(true)
	srv := NewServer(t, WithClock(fixedClock), WithEvents(ev, at("e2", 11)))

	r := call(t, srv, "PATCH", "/events/e1", `{"linked_id":"order-7","tags":{"a":1},"suspect":false}`)
	require.Equal(t, http.StatusOK, r.status)
	require.Empty(t, r.body)
	got := decode[fingerprint.Event](t, call(t, srv, "GET", "/events/e1", nil))
	require.Equal(t, "order-7", *got.LinkedID)
	require.Equal(t, gen.Tags{"a": float64(1)}, *got.Tags)
	require.False(t, *got.Suspect, "suspect:false is applied, not ignored")

	// Search sees the new values.
	require.Equal(t, []string{"e1"}, ids(search(t, srv, "suspect=false").Events))
	require.Empty(t, search(t, srv, "suspect=true").Events)
	require.Equal(t, []string{"e1"}, ids(search(t, srv, "linked_id=order-7").Events))

	// Fields left out stay as they are.
	require.Equal(t, http.StatusOK, call(t, srv, "PATCH", "/events/e1", `{"suspect":true}`).status)
	got, _ = srv.Event("e1")
	require.Equal(t, "order-7", *got.LinkedID)
	require.True(t, *got.Suspect)

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
	require.Nil(t, got.Suspect, "a rejected update changes nothing")
}

func TestDeleteVisitorData(t *testing.T) {
	mk := func(id, visitor string) fingerprint.Event {
		ev := at(id, 1)
		ev.Identification = &gen.Identification{VisitorID: visitor}
		return ev
	}
	srv := NewServer(t, WithClock(fixedClock), WithEvents(mk("a1", "VA"), mk("a2", "VA"), mk("b1", "VB")))

	r := call(t, srv, "DELETE", "/visitors/VA", nil)
	require.Equal(t, http.StatusOK, r.status)
	require.Empty(t, r.body)
	require.Equal(t, []string{"b1"}, ids(srv.Events()))
	wantError(t, call(t, srv, "GET", "/events/a1", nil), http.StatusNotFound, gen.ErrorCodeEventNotFound, "")
	wantError(t, call(t, srv, "DELETE", "/visitors/VA", nil), http.StatusNotFound, gen.ErrorCodeVisitorNotFound, "visitor not found")
	wantError(t, call(t, srv, "DELETE", "/visitors/bad%20id", nil), http.StatusBadRequest, gen.ErrorCodeRequestCannotBeParsed, "invalid visitor id")

	noDelete := NewServer(t, WithoutDeleteAPI(), WithEvents(mk("x", "VX")))
	wantError(t, call(t, noDelete, "DELETE", "/visitors/VX", nil), http.StatusForbidden, gen.ErrorCodeFeatureNotEnabled, "")
	require.Len(t, noDelete.Events(), 1)
}

func edgeBody(extra string) string {
	return `{"headers":[{"name":"Host","value":"shop.example.com"},{"name":"User-Agent","value":"Mozilla/5.0 (compatible; GPTBot/1.2)"},{"name":"Cookie","value":""}],` +
		`"method":"POST","url":"https://shop.example.com/login?next=%2F"` + extra + `}`
}

func TestAnalyzeRequestCreatesAnEdgeEvent(t *testing.T) {
	srv := NewServer(t, WithClock(fixedClock), WithEvents(at("device", 1)))

	res := decode[gen.EdgeResponse](t, call(t, srv, "POST", "/edge", edgeBody(`,"ipv4_address":"192.0.2.10","linked_id":"L1","tags":{"k":"v"}`)))
	require.Equal(t, gen.EventSourceEdge, *res.Source)
	require.Equal(t, fixedNow.UnixMilli(), res.Timestamp)
	require.Equal(t, "192.0.2.10", res.IPInfo.V4.Address)
	require.NotNil(t, res.IPInfo.V4.Geolocation)
	require.Equal(t, "GPTBot", res.BotInfo.Name)
	require.Equal(t, "L1", *res.LinkedID)

	ev := decode[gen.Event](t, call(t, srv, "GET", "/events/"+res.EventID, nil))
	require.Equal(t, gen.EventSourceEdge, *ev.Source)
	require.Nil(t, ev.Identification, "edge events carry no identification")
	require.Equal(t, "https://shop.example.com/login?next=%2F", *ev.URL)

	require.Equal(t, []string{res.EventID}, ids(search(t, srv, "source=edge").Events))
	require.Equal(t, []string{"device"}, ids(search(t, srv, "").Events))
	require.Equal(t, []string{res.EventID}, ids(search(t, srv, "source=edge&ip_address=192.0.2.0%2F24").Events))

	forwarded := srv.EdgeRequests()
	require.Len(t, forwarded, 1)
	require.Equal(t, "Cookie", forwarded[0].Headers[2].Name)
	require.Equal(t, "", forwarded[0].Headers[2].Value)
	forwarded[0].Headers[2].Value = "changed by the caller"
	require.Equal(t, "", srv.EdgeRequests()[0].Headers[2].Value, "callers get copies")
}

func TestAnalyzeRequestIPv4MappedAndBots(t *testing.T) {
	srv := NewServer(t, WithClock(fixedClock))
	res := decode[gen.EdgeResponse](t, call(t, srv, "POST", "/edge", `{"headers":[{"name":"User-Agent","value":"Mozilla/5.0"}],"method":"get","url":"http://a.example/","ipv6_address":"::ffff:198.51.100.9"}`))
	require.Equal(t, "198.51.100.9", res.IPInfo.V4.Address, "an IPv4-mapped address is reported as v4")
	require.Nil(t, res.IPInfo.V6)
	require.Nil(t, res.BotInfo, "an ordinary browser is no bot")

	res = decode[gen.EdgeResponse](t, call(t, srv, "POST", "/edge", `{"headers":[{"name":"user-agent","value":"curl/8.5.0"}],"method":"GET","url":"https://a.example/","ipv4_address":"192.0.2.1","ipv6_address":"2001:db8::1"}`))
	require.Equal(t, "2001:db8::1", res.IPInfo.V6.Address)
	require.Equal(t, gen.BotInfoCategoryScraping, res.BotInfo.Category)
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
	require.Empty(t, srv.Events(), "rejected requests create no events")
}

func TestSlowBodyGetsRequestReadTimeout(t *testing.T) {
	srv := NewServer(t, WithBodyReadTimeout(100*time.Millisecond))
	var d net.Dialer
	conn, err := d.DialContext(t.Context(), "tcp", strings.TrimPrefix(strings.TrimSuffix(srv.URL(), BasePath), "http://"))
	require.NoError(t, err)
	defer conn.Close()
	_, err = fmt.Fprintf(conn, "POST /v4/edge HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"headers\":", srv.APIKey())
	require.NoError(t, err)
	// ...and the rest of the body never comes.
	_ = conn.SetReadDeadline(time.Now().Add(3 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
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
	require.Empty(t, srv.Events())
}
