package fingerprinttest

import (
	"bufio"
	"errors"
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
			if err == nil {
				t.Fatalf("err: got nil error, want an error")
			}
		})
	}
}

func TestURLAndKey(t *testing.T) {
	srv := NewServer(t, WithAPIKey("my-key"))
	if !strings.HasPrefix(srv.URL(), "http://127.0.0.1:") {
		t.Fatalf("%v: strings.HasPrefix(srv.URL(), \"http://127.0.0.1:\") is false, want true", srv.URL())
	}
	if !strings.HasSuffix(srv.URL(), "/v4") {
		t.Fatalf("%v: strings.HasSuffix(srv.URL(), \"/v4\") is false, want true", srv.URL())
	}
	if got := srv.APIKey(); got != "my-key" {
		t.Fatalf("srv.APIKey() = %q, want %q", got, "my-key")
	}
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
	if r.status != http.StatusOK {
		t.Fatalf("r.status = %v, want %v", r.status, http.StatusOK)
	}
}

func TestUnknownPathsAndMethods(t *testing.T) {
	srv := NewServer(t)
	req, err := http.NewRequestWithContext(t.Context(), "GET", strings.TrimSuffix(srv.URL(), "/v4")+"/events", nil)
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Fatalf("res.StatusCode = %v, want %v", res.StatusCode, http.StatusNotFound)
	}

	wantError(t, call(t, srv, "GET", "/nothing", nil), http.StatusNotFound, gen.ErrorCodeFailed, "")
	wantError(t, call(t, srv, "PUT", "/events/e1", "{}"), http.StatusMethodNotAllowed, gen.ErrorCodeFailed, "")
	wantError(t, call(t, srv, "DELETE", "/visitors/", nil), http.StatusBadRequest, gen.ErrorCodeRequestCannotBeParsed, "visitor id is required")
}

func TestGetEvent(t *testing.T) {
	full := FullEvent()
	srv := NewServer(t, WithEvents(full))

	got := decode[gen.Event](t, call(t, srv, "GET", "/events/"+full.EventID, nil))
	if have, expected := got.EventID, full.EventID; !reflect.DeepEqual(have, expected) {
		t.Fatalf("got.EventID = %v, want %v", have, expected)
	}
	if have, expected := got.RawDeviceAttributes, full.RawDeviceAttributes; !reflect.DeepEqual(have, expected) {
		t.Fatalf("got.RawDeviceAttributes = %v, want %v", have, expected)
	}
	if have, expected := got.IPInfo, full.IPInfo; !reflect.DeepEqual(have, expected) {
		t.Fatalf("got.IPInfo = %v, want %v", have, expected)
	}

	wantError(t, call(t, srv, "GET", "/events/missing.123", nil), http.StatusNotFound, gen.ErrorCodeEventNotFound, "event id not found")
	wantError(t, call(t, srv, "GET", "/events/bad%20id", nil), http.StatusBadRequest, gen.ErrorCodeRequestCannotBeParsed, "invalid event_id")
}

func TestGetEventWithRuleset(t *testing.T) {
	ev := at("e1", 1)
	srv := NewServer(t, WithClock(fixedClock), WithEvents(ev))
	if err := srv.AddRuleset("rs_1", func(fingerprint.Event) gen.EventRuleAction {
		var a gen.EventRuleAction
		if err := a.FromEventRuleActionAllow(gen.EventRuleActionAllow{Type: gen.RuleActionTypeAllow}); err != nil {
			t.Fatalf("a.FromEventRuleActionAllow: %v", err)
		}
		return a
	}); err != nil {
		t.Fatalf("srv.AddRuleset: %v", err)
	}
	got := decode[gen.Event](t, call(t, srv, "GET", "/events/e1?ruleset_id=rs_1", nil))
	if got.RuleAction == nil {
		t.Fatalf("got.RuleAction is nil")
	}
	if have := got.RuleAction.RulesetID; have != "rs_1" {
		t.Fatalf("got.RuleAction.RulesetID = %q, want %q", have, "rs_1")
	}
	kind, err := got.RuleAction.Discriminator()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	if kind != "allow" {
		t.Fatalf("kind = %q, want %q", kind, "allow")
	}

	plain := decode[gen.Event](t, call(t, srv, "GET", "/events/e1", nil))
	if plain.RuleAction != nil {
		t.Fatalf("plain.RuleAction = %v, want nil", plain.RuleAction)
	}

	wantError(t, call(t, srv, "GET", "/events/e1?ruleset_id=other", nil), http.StatusBadRequest, gen.ErrorCodeRulesetNotFound, "ruleset not found")
}

func TestServerKeepsItsOwnCopies(t *testing.T) {
	ev := at("e1", 1)
	ev.LinkedID = ptr("before")
	srv := NewServer(t, WithClock(fixedClock))
	if err := srv.AddEvents(ev); err != nil {
		t.Fatalf("srv.AddEvents(ev): %v", err)
	}
	*ev.LinkedID = "after"
	got, ok := srv.Event("e1")
	if !ok {
		t.Fatalf("ok is false, want true")
	}
	if have := *got.LinkedID; have != "before" {
		t.Fatalf("*got.LinkedID = %q, want %q", have, "before")
	}
	*got.LinkedID = "changed"
	again, _ := srv.Event("e1")
	if got := *again.LinkedID; got != "before" {
		t.Fatalf("*again.LinkedID = %q, want %q", got, "before")
	}
}

func TestAddEventsRejectsInvalidEvents(t *testing.T) {
	srv := NewServer(t)
	if err := srv.AddEvents(fingerprint.Event{Event: gen.Event{EventID: "x", Timestamp: 0}}); err == nil {
		t.Fatalf("srv.AddEvents: got nil error, want an error")
	}
	if err := srv.AddEvents(fingerprint.Event{Event: gen.Event{EventID: "has space", Timestamp: 1}}); err == nil {
		t.Fatalf("srv.AddEvents: got nil error, want an error")
	}
	if len(srv.Events()) != 0 {
		t.Fatalf("srv.Events() = %v, want empty", srv.Events())
	}
}

func TestRequestLogNeverHoldsTheKey(t *testing.T) {
	srv := NewServer(t, WithAPIKey("very-secret-key-123"), WithClock(fixedClock), WithEvents(at("e1", 1)))
	call(t, srv, "GET", "/events/e1", nil)
	call(t, srv, "GET", "/events?limit=5", nil, "User-Agent", "probe/1")
	call(t, srv, "PATCH", "/events/e1", `{"linked_id":"x"}`)
	log := srv.Requests()
	if got := len(log); got != 3 {
		t.Fatalf("len(log) = %d, want %d", got, 3)
	}
	if got, want := log[0].Operation, OpGetEvent; !reflect.DeepEqual(got, want) {
		t.Fatalf("log[0].Operation = %v, want %v", got, want)
	}
	if got := log[0].Path; got != "/v4/events/e1" {
		t.Fatalf("log[0].Path = %q, want %q", got, "/v4/events/e1")
	}
	if got := log[0].Status; got != http.StatusOK {
		t.Fatalf("log[0].Status = %v, want %v", got, http.StatusOK)
	}
	if got := log[1].Query.Get("limit"); got != "5" {
		t.Fatalf("log[1].Query.Get(\"limit\") = %q, want %q", got, "5")
	}
	if got := log[1].Header.Get("User-Agent"); got != "probe/1" {
		t.Fatalf("log[1].Header.Get(\"User-Agent\") = %q, want %q", got, "probe/1")
	}
	sameJSON(t, "log[2].Body", `{"linked_id":"x"}`, string(log[2].Body))
	for _, e := range log {
		if len(e.Header.Get("Authorization")) != 0 {
			t.Fatalf("e.Header.Get(\"Authorization\") = %v, want empty", e.Header.Get("Authorization"))
		}
		if logged := strings.Join([]string{e.Path, e.Query.Encode(), string(e.Body)}, " "); strings.Contains(logged, "very-secret-key-123") {
			t.Fatalf("request log entry %q must not contain the API key", logged)
		}
		for _, vs := range e.Header {
			for _, v := range vs {
				if strings.Contains(v, "very-secret-key-123") {
					t.Fatalf("v = %q, must not contain %q", v, "very-secret-key-123")
				}
			}
		}
	}
	srv.ResetRequests()
	if len(srv.Requests()) != 0 {
		t.Fatalf("srv.Requests() = %v, want empty", srv.Requests())
	}
}

func TestAddEventsValidatesAgainstTheSchema(t *testing.T) {
	srv := NewServer(t)
	ev := at("e1", 1)
	ev.BotInfo = &gen.BotInfo{Category: "not-a-category"}
	err := srv.AddEvents(at("ok", 1), ev)
	if err == nil || !strings.Contains(err.Error(), "e1") {
		t.Fatalf("error = %v, want it to contain %q", err, "e1")
	}
	if len(srv.Events()) != 0 {
		t.Fatalf("nothing stored when one event is invalid: srv.Events() = %v, want empty", srv.Events())
	}

	// Large batches are checked in parallel: still all or nothing, and the first
	// invalid event is the one reported.
	batch := NewGenerator(1).Events(200)
	batch[120].BotInfo = &gen.BotInfo{Category: "not-a-category"}
	batch[150].BotInfo = &gen.BotInfo{Category: "not-a-category"}
	err = srv.AddEvents(batch...)
	if err == nil || !strings.Contains(err.Error(), batch[120].EventID) {
		t.Fatalf("error = %v, want it to contain %q", err, batch[120].EventID)
	}
	if strings.Contains(err.Error(), batch[150].EventID) {
		t.Fatalf("err.Error() = %q, must not contain %q", err.Error(), batch[150].EventID)
	}
	if len(srv.Events()) != 0 {
		t.Fatalf("srv.Events() = %v, want empty", srv.Events())
	}
	batch[120].BotInfo, batch[150].BotInfo = nil, nil
	if err := srv.AddEvents(batch...); err != nil {
		t.Fatalf("srv.AddEvents(batch...): %v", err)
	}
	if got := len(srv.Events()); got != 200 {
		t.Fatalf("len(srv.Events()) = %d, want %d", got, 200)
	}
}

// TestIdleConnectionsAreClosed: a keep-alive connection left idle after a request stayed
// open for as long as the client liked (issue 17, gaps); now the server closes it after
// the idle timeout.
func TestIdleConnectionsAreClosed(t *testing.T) {
	srv := NewServer(t, WithIdleTimeout(300*time.Millisecond))
	conn, err := net.Dial("tcp", strings.TrimPrefix(strings.TrimSuffix(srv.URL(), BasePath), "http://"))
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	defer conn.Close()
	_, err = io.WriteString(conn, "GET /v4/events/x HTTP/1.1\r\nHost: fake\r\nAuthorization: Bearer "+srv.APIKey()+"\r\n\r\n")
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	br := bufio.NewReader(conn)
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.Close {
		t.Fatalf("the server should keep the connection alive after one request: res.Close is true, want false")
	}
	start := time.Now()
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err = br.ReadByte()
	if !errors.Is(err, io.EOF) {
		t.Fatalf("the idle connection was not closed within 5 s: error = %v, want errors.Is io.EOF", err)
	}
	t.Logf("idle connection closed after %v", time.Since(start).Round(10*time.Millisecond))
	if err := WithIdleTimeout(0)(&config{}); err == nil {
		t.Fatalf("WithIdleTimeout(0): got nil error, want an error")
	}
}
