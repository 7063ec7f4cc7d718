package fingerprinttest

import (
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/gen"
	"github.com/stretchr/testify/require"
)

// browserEvent is a JavaScript-agent event minutesAgo before fixedNow.
func browserEvent(id string, minutesAgo int) fingerprint.Event {
	ev := at(id, minutesAgo)
	ev.SDK = &gen.SDK{Platform: gen.SDKPlatformJS, Version: "4.1.0"}
	ev.Identification = &gen.Identification{VisitorID: "v-" + id, VisitorFound: true}
	return ev
}

const resetTrue = `{"reset_identification_confidence_score":true}`

func postFeedback(t *testing.T, srv *Server, id, body string) response {
	t.Helper()
	return call(t, srv, "POST", "/events/"+id+"/feedback", body)
}

func TestFeedbackAcceptedAndStored(t *testing.T) {
	clock := newManualClock()
	srv := NewServer(t, WithClock(clock.now), WithEvents(browserEvent("e1", 10)))
	_, ok := srv.Feedback("e1")
	require.False(t, ok, "no feedback before any was sent")

	r := postFeedback(t, srv, "e1", resetTrue)
	require.Equal(t, http.StatusAccepted, r.status, "body: %s", r.body)
	require.Empty(t, r.body, "202 has no body")
	fb, ok := srv.Feedback("e1")
	require.True(t, ok)
	require.Equal(t, 1, fb.Count)
	require.True(t, fb.At.Equal(fixedNow), "accepted at the server's clock")
	require.NotNil(t, fb.Feedback.ResetIdentificationConfidenceScore)
	require.True(t, *fb.Feedback.ResetIdentificationConfidenceScore)

	// The latest submission wins; the accessor hands out copies.
	clock.advance(time.Minute)
	require.Equal(t, http.StatusAccepted, postFeedback(t, srv, "e1", `{"reset_identification_confidence_score":false}`).status)
	fb, _ = srv.Feedback("e1")
	require.Equal(t, 2, fb.Count)
	require.False(t, *fb.Feedback.ResetIdentificationConfidenceScore)
	require.True(t, fb.At.Equal(fixedNow.Add(time.Minute)))
	*fb.Feedback.ResetIdentificationConfidenceScore = true
	again, _ := srv.Feedback("e1")
	require.False(t, *again.Feedback.ResetIdentificationConfidenceScore, "the stored value is not shared")

	// The event itself is unchanged (the API applies feedback asynchronously).
	ev, _ := srv.Event("e1")
	require.Equal(t, browserEvent("e1", 10).Event, ev.Event)
	require.Equal(t, OpSubmitEventFeedback, srv.Requests()[0].Operation)
}

func TestFeedbackValidation(t *testing.T) {
	srv := NewServer(t, WithClock(fixedClock), WithEvents(browserEvent("e1", 10)))
	for name, tc := range map[string]struct {
		body, message string
	}{
		"empty object":       {`{}`, "request body is not valid"},
		"unknown field":      {`{"reset_identification_confidence_score":true,"undo":true}`, "request body is not valid"},
		"only unknown field": {`{"verified":true}`, ""},
		"string":             {`{"reset_identification_confidence_score":"true"}`, ""},
		"number":             {`{"reset_identification_confidence_score":1}`, ""},
		"null":               {`{"reset_identification_confidence_score":null}`, ""},
		"array body":         {`[true]`, ""},
		"not JSON":           {`reset`, ""},
		"no body":            {``, ""},
	} {
		t.Run(name, func(t *testing.T) {
			wantError(t, postFeedback(t, srv, "e1", tc.body), http.StatusBadRequest, gen.ErrorCodeRequestCannotBeParsed, tc.message)
		})
	}
	wantError(t, postFeedback(t, srv, "nope", resetTrue), http.StatusNotFound, gen.ErrorCodeEventNotFound, "event id not found")
	wantError(t, postFeedback(t, srv, "bad%20id", resetTrue), http.StatusBadRequest, gen.ErrorCodeRequestCannotBeParsed, "invalid event_id")
	_, ok := srv.Feedback("e1")
	require.False(t, ok, "nothing invalid was stored")

	off := NewServer(t, WithoutFeedbackAPI(), WithEvents(browserEvent("e1", 10)))
	wantError(t, postFeedback(t, off, "e1", resetTrue), http.StatusForbidden, gen.ErrorCodeFeatureNotEnabled, "")
}

func TestFeedbackRefusesOldMobileAndEdgeEvents(t *testing.T) {
	clock := newManualClock()
	android, ios := browserEvent("android", 1), browserEvent("ios", 1)
	android.SDK.Platform, ios.SDK.Platform = gen.SDKPlatformAndroid, gen.SDKPlatformIOS
	edge := at("edge", 1)
	edge.Source = ptr(gen.EventSourceEdge)
	srv := NewServer(t, WithClock(clock.now), WithEvents(browserEvent("day", 0), android, ios, edge))
	for _, id := range []string{"android", "ios", "edge"} {
		wantError(t, postFeedback(t, srv, id, resetTrue), http.StatusBadRequest, gen.ErrorCodeRequestCannotBeParsed,
			"feedback is only supported for events from the JavaScript agent")
	}
	// Exactly 24 hours after the event is still in time; a millisecond later is not.
	clock.advance(FeedbackWindow)
	require.Equal(t, http.StatusAccepted, postFeedback(t, srv, "day", resetTrue).status)
	clock.advance(time.Millisecond)
	wantError(t, postFeedback(t, srv, "day", resetTrue), http.StatusBadRequest, gen.ErrorCodeRequestCannotBeParsed,
		"feedback can only be submitted within 24 hours of the event")
	fb, _ := srv.Feedback("day")
	require.Equal(t, 1, fb.Count)
	for _, id := range []string{"android", "ios", "edge"} {
		_, ok := srv.Feedback(id)
		require.False(t, ok, id)
	}
}

func TestFeedbackQuotaIsItsOwn(t *testing.T) {
	clock := newManualClock()
	evs := []fingerprint.Event{browserEvent("e1", 1)}
	for _, v := range []string{"v1", "v2", "v3"} {
		ev := browserEvent("d-"+v, 1)
		ev.Identification.VisitorID = v
		evs = append(evs, ev)
	}
	srv := NewServer(t, WithClock(clock.now), WithFeedbackQuota(2, 3), WithDeleteQuota(1, 0), WithEvents(evs...))
	send := func() response { return postFeedback(t, srv, "e1", resetTrue) }

	require.Equal(t, http.StatusOK, call(t, srv, "DELETE", "/visitors/v1", nil).status, "a delete uses the delete quota only")
	require.Equal(t, http.StatusAccepted, send().status) // t0
	clock.advance(10 * time.Minute)
	require.Equal(t, http.StatusAccepted, send().status) // t0+10m
	wantTooMany(t, send(), "too many requests", "3000")  // the hour frees up at t0+60m
	require.Equal(t, "feedback quota", srv.Requests()[len(srv.Requests())-1].Fault)
	wantTooMany(t, call(t, srv, "DELETE", "/visitors/v2", nil), "too many requests", "3000") // and the delete quota is full on its own
	fb, _ := srv.Feedback("e1")
	require.Equal(t, 2, fb.Count, "a request over the quota stores nothing")

	clock.advance(50 * time.Minute)
	require.Equal(t, http.StatusAccepted, send().status) // t0+60m: the day now holds 3
	clock.advance(10 * time.Minute)
	wantTooMany(t, send(), "too many requests", "82200") // the day frees up at t0+24h
	clock.advance(82200 * time.Second)
	// Feedback for unknown events counts too (the event is now too old, which counts as well).
	wantError(t, postFeedback(t, srv, "nobody", resetTrue), http.StatusNotFound, gen.ErrorCodeEventNotFound, "")

	// Malformed requests (400 before the quota) do not count.
	one := NewServer(t, WithClock(clock.now), WithFeedbackQuota(1, 0), WithEvents(browserEvent("e1", 0)))
	wantError(t, postFeedback(t, one, "e1", `{}`), http.StatusBadRequest, gen.ErrorCodeRequestCannotBeParsed, "")
	wantError(t, postFeedback(t, one, "nobody", resetTrue), http.StatusNotFound, gen.ErrorCodeEventNotFound, "")
	wantTooMany(t, postFeedback(t, one, "e1", resetTrue), "too many requests", "3600")
}

func TestDocumentedFeedbackQuota(t *testing.T) {
	clock := newManualClock()
	srv := NewServer(t, WithClock(clock.now), WithFeedbackQuota(FeedbackQuotaPerHour, FeedbackQuotaPerDay))
	status := func() int { return postFeedback(t, srv, "nobody", resetTrue).status }
	for hour := range 17 { // 16 full hours hold 480; the 17th reaches 500
		n := 0
		for status() == http.StatusNotFound {
			n++
		}
		require.Equal(t, min(FeedbackQuotaPerHour, FeedbackQuotaPerDay-hour*FeedbackQuotaPerHour), n, "hour %d", hour)
		clock.advance(time.Hour)
	}
	require.Equal(t, http.StatusTooManyRequests, status(), "the day is full")
	require.Equal(t, http.StatusNotFound, call(t, srv, "DELETE", "/visitors/nobody", nil).status, "deletes are not limited by it")

	for name, opt := range map[string]Option{"negative hour": WithFeedbackQuota(-1, 0), "negative day": WithFeedbackQuota(0, -1)} {
		_, err := Start(opt)
		require.Error(t, err, name)
	}
}

// osVersion is what a mobile OS reports: one to three dot-separated numbers.
var osVersion = regexp.MustCompile(`^[0-9]+(\.[0-9]+){0,2}$`)

func TestGeneratedDeviceDetails(t *testing.T) {
	g := NewGenerator(5)
	g.SetNow(fixedNow)
	evs := g.Events(600)
	for range 20 {
		evs = append(evs, g.EdgeEvent())
	}
	byVisitor := map[string]gen.DeviceDetails{}
	components := map[int]bool{}
	manufacturers := map[string]bool{}
	var mobile int
	for _, ev := range evs {
		if ev.SDK == nil || ev.SDK.Platform == gen.SDKPlatformJS {
			require.Nil(t, ev.DeviceDetails, "browser and edge events have no device_details (%s)", ev.EventID)
			continue
		}
		mobile++
		d := ev.DeviceDetails
		require.NotNil(t, d, "mobile event %s", ev.EventID)
		require.NotNil(t, d.DeviceManufacturer)
		require.NotNil(t, d.DeviceModel)
		require.NotNil(t, d.OSVersion)
		require.Regexp(t, osVersion, *d.OSVersion)
		components[len(regexp.MustCompile(`\.`).FindAllString(*d.OSVersion, -1))+1] = true
		manufacturers[*d.DeviceManufacturer] = true
		if ev.SDK.Platform == gen.SDKPlatformIOS {
			require.Equal(t, "Apple", *d.DeviceManufacturer)
			require.Regexp(t, `^D[0-9]+AP$`, *d.DeviceModel, "an Apple board code")
		} else {
			require.NotEqual(t, "Apple", *d.DeviceManufacturer)
		}
		// One device per visitor.
		if prev, ok := byVisitor[ev.Identification.VisitorID]; ok {
			require.Equal(t, prev, *d)
		}
		byVisitor[ev.Identification.VisitorID] = *d
	}
	require.Greater(t, mobile, 60)
	require.True(t, manufacturers["samsung"], "raw vendor casing, e.g. samsung: %v", manufacturers)
	require.Equal(t, map[int]bool{1: true, 2: true, 3: true}, components, "os_version with 1, 2 and 3 components")
}
