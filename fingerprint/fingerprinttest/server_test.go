package fingerprinttest

import (
	"bufio"
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

func TestStartRejectsBadOptions(t *testing.T) {
	for name, opt := range map[string]Option{
		"empty key":     WithAPIKey(""),
		"nil clock":     WithClock(nil),
		"zero body":     WithMaxBodyBytes(0),
		"neg latency":   WithLatency(-1),
		"neg delay":     WithUpdateDelay(-1),
		"empty addr":    WithAddr(""),
		"zero timeout":  WithBodyReadTimeout(0),
		"invalid event": WithEvents(fingerprint.Event{Event: gen.Event{EventID: "", Timestamp: 1}}),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Start(opt)
			require.Error(t, err)
		})
	}
}

func TestURLAndKey(t *testing.T) {
	srv := NewServer(t, WithAPIKey("my-key"))
	require.True(t, strings.HasPrefix(srv.URL(), "http://127.0.0.1:"), srv.URL())
	require.True(t, strings.HasSuffix(srv.URL(), "/v4"), srv.URL())
	require.Equal(t, "my-key", srv.APIKey())
}

func TestAuthentication(t *testing.T) {
	srv := NewServer(t, WithClock(fixedClock), WithEvents(at("e1", 1)))
	cases := []struct {
		name, header string
		status       int
		code         gen.ErrorCode
	}{
		{name: "missing", header: "", status: http.StatusForbidden, code: gen.ErrorCodeSecretAPIKeyRequired},
		{name: "empty bearer", header: "Bearer ", status: http.StatusForbidden, code: gen.ErrorCodeSecretAPIKeyRequired},
		{name: "other scheme", header: "Basic " + srv.APIKey(), status: http.StatusForbidden, code: gen.ErrorCodeSecretAPIKeyRequired},
		{name: "wrong key", header: "Bearer nope", status: http.StatusForbidden, code: gen.ErrorCodeSecretAPIKeyNotFound},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := call(t, srv, "GET", "/events/e1", nil, "Authorization", c.header)
			wantError(t, r, c.status, c.code, "")
		})
	}
	r := call(t, srv, "GET", "/events/e1", nil, "Authorization", "bearer "+srv.APIKey())
	require.Equal(t, http.StatusOK, r.status)
}

func TestUnknownPathsAndMethods(t *testing.T) {
	srv := NewServer(t)
	req, err := http.NewRequestWithContext(t.Context(), "GET", strings.TrimSuffix(srv.URL(), "/v4")+"/events", nil)
	require.NoError(t, err)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusNotFound, res.StatusCode)

	wantError(t, call(t, srv, "GET", "/nothing", nil), http.StatusNotFound, gen.ErrorCodeFailed, "")
	wantError(t, call(t, srv, "PUT", "/events/e1", "{}"), http.StatusMethodNotAllowed, gen.ErrorCodeFailed, "")
	wantError(t, call(t, srv, "DELETE", "/visitors/", nil), http.StatusBadRequest, gen.ErrorCodeRequestCannotBeParsed, "visitor id is required")
}

func TestGetEvent(t *testing.T) {
	full := FullEvent()
	srv := NewServer(t, WithEvents(full))

	got := decode[gen.Event](t, call(t, srv, "GET", "/events/"+full.EventID, nil))
	require.Equal(t, full.EventID, got.EventID)
	require.Equal(t, full.RawDeviceAttributes, got.RawDeviceAttributes)
	require.Equal(t, full.IPInfo, got.IPInfo)

	wantError(t, call(t, srv, "GET", "/events/missing.123", nil), http.StatusNotFound, gen.ErrorCodeEventNotFound, "event id not found")
	wantError(t, call(t, srv, "GET", "/events/bad%20id", nil), http.StatusBadRequest, gen.ErrorCodeRequestCannotBeParsed, "invalid event_id")
}

func TestGetEventWithRuleset(t *testing.T) {
	ev := at("e1", 1)
	srv := NewServer(t, WithClock(fixedClock), WithEvents(ev))
	require.NoError(t, srv.AddRuleset("rs_1", func(fingerprint.Event) gen.EventRuleAction {
		var a gen.EventRuleAction
		require.NoError(t, a.FromEventRuleActionAllow(gen.EventRuleActionAllow{Type: gen.RuleActionTypeAllow}))
		return a
	}))
	got := decode[gen.Event](t, call(t, srv, "GET", "/events/e1?ruleset_id=rs_1", nil))
	require.NotNil(t, got.RuleAction)
	require.Equal(t, "rs_1", got.RuleAction.RulesetID)
	kind, err := got.RuleAction.Discriminator()
	require.NoError(t, err)
	require.Equal(t, "allow", kind)

	plain := decode[gen.Event](t, call(t, srv, "GET", "/events/e1", nil))
	require.Nil(t, plain.RuleAction)

	wantError(t, call(t, srv, "GET", "/events/e1?ruleset_id=other", nil), http.StatusBadRequest, gen.ErrorCodeRulesetNotFound, "ruleset not found")
}

func TestServerKeepsItsOwnCopies(t *testing.T) {
	ev := at("e1", 1)
	ev.LinkedID = ptr("before")
	srv := NewServer(t, WithClock(fixedClock))
	require.NoError(t, srv.AddEvents(ev))
	*ev.LinkedID = "after"
	got, ok := srv.Event("e1")
	require.True(t, ok)
	require.Equal(t, "before", *got.LinkedID)
	*got.LinkedID = "changed"
	again, _ := srv.Event("e1")
	require.Equal(t, "before", *again.LinkedID)
}

func TestAddEventsRejectsInvalidEvents(t *testing.T) {
	srv := NewServer(t)
	require.Error(t, srv.AddEvents(fingerprint.Event{Event: gen.Event{EventID: "x", Timestamp: 0}}))
	require.Error(t, srv.AddEvents(fingerprint.Event{Event: gen.Event{EventID: "has space", Timestamp: 1}}))
	require.Empty(t, srv.Events())
}

func TestRequestLogNeverHoldsTheKey(t *testing.T) {
	srv := NewServer(t, WithAPIKey("very-secret-key-123"), WithClock(fixedClock), WithEvents(at("e1", 1)))
	call(t, srv, "GET", "/events/e1", nil)
	call(t, srv, "GET", "/events?limit=5", nil, "User-Agent", "probe/1")
	call(t, srv, "PATCH", "/events/e1", `{"linked_id":"x"}`)
	log := srv.Requests()
	require.Len(t, log, 3)
	require.Equal(t, OpGetEvent, log[0].Operation)
	require.Equal(t, "/v4/events/e1", log[0].Path)
	require.Equal(t, http.StatusOK, log[0].Status)
	require.Equal(t, "5", log[1].Query.Get("limit"))
	require.Equal(t, "probe/1", log[1].Header.Get("User-Agent"))
	require.JSONEq(t, `{"linked_id":"x"}`, string(log[2].Body))
	for _, e := range log {
		require.Empty(t, e.Header.Get("Authorization"))
		require.NotContains(t, strings.Join([]string{e.Path, e.Query.Encode(), string(e.Body)}, " "), "very-secret-key-123")
		for _, vs := range e.Header {
			for _, v := range vs {
				require.NotContains(t, v, "very-secret-key-123")
			}
		}
	}
	srv.ResetRequests()
	require.Empty(t, srv.Requests())
}

func TestAddEventsValidatesAgainstTheSchema(t *testing.T) {
	srv := NewServer(t)
	ev := at("e1", 1)
	ev.BotInfo = &gen.BotInfo{Category: "not-a-category"}
	err := srv.AddEvents(at("ok", 1), ev)
	require.ErrorContains(t, err, "e1")
	require.Empty(t, srv.Events(), "nothing stored when one event is invalid")

	// Large batches are checked in parallel: still all or nothing, and the first
	// invalid event is the one reported.
	batch := NewGenerator(1).Events(200)
	batch[120].BotInfo = &gen.BotInfo{Category: "not-a-category"}
	batch[150].BotInfo = &gen.BotInfo{Category: "not-a-category"}
	err = srv.AddEvents(batch...)
	require.ErrorContains(t, err, batch[120].EventID)
	require.NotContains(t, err.Error(), batch[150].EventID)
	require.Empty(t, srv.Events())
	batch[120].BotInfo, batch[150].BotInfo = nil, nil
	require.NoError(t, srv.AddEvents(batch...))
	require.Len(t, srv.Events(), 200)
}

// TestIdleConnectionsAreClosed: a keep-alive connection left idle after a request stayed
// open for as long as the client liked (issue 17, gaps); now the server closes it after
// the idle timeout.
func TestIdleConnectionsAreClosed(t *testing.T) {
	srv := NewServer(t, WithIdleTimeout(300*time.Millisecond))
	conn, err := net.Dial("tcp", strings.TrimPrefix(strings.TrimSuffix(srv.URL(), BasePath), "http://"))
	require.NoError(t, err)
	defer conn.Close()
	_, err = io.WriteString(conn, "GET /v4/events/x HTTP/1.1\r\nHost: fake\r\nAuthorization: Bearer "+srv.APIKey()+"\r\n\r\n")
	require.NoError(t, err)
	br := bufio.NewReader(conn)
	res, err := http.ReadResponse(br, nil)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	require.False(t, res.Close, "the server should keep the connection alive after one request")
	start := time.Now()
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err = br.ReadByte()
	require.ErrorIs(t, err, io.EOF, "the idle connection was not closed within 5 s")
	t.Logf("idle connection closed after %v", time.Since(start).Round(10*time.Millisecond))
	require.Error(t, WithIdleTimeout(0)(&config{}))
}
