package fingerprinttest

import (
	"net/http"
	"reflect"
	"regexp"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/gen"
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
	if ok {
		t.Fatalf("no feedback before any was sent: ok is true, want false")
	}

	r := postFeedback(t, srv, "e1", resetTrue)
	if got, want := r.status, http.StatusAccepted; !reflect.DeepEqual(got, want) {
		t.Fatalf("body: %s: r.status = %v, want %v", r.body, got, want)
	}
	if len(r.body) != 0 {
		t.Fatalf("202 has no body: r.body = %v, want empty", r.body)
	}
	fb, ok := srv.Feedback("e1")
	if !ok {
		t.Fatalf("ok is false, want true")
	}
	if got := fb.Count; got != 1 {
		t.Fatalf("fb.Count = %v, want %v", got, 1)
	}
	if !fb.At.Equal(fixedNow) {
		t.Fatalf("accepted at the server's clock: fb.At.Equal(fixedNow) is false, want true")
	}
	if fb.Feedback.ResetIdentificationConfidenceScore == nil {
		t.Fatalf("fb.Feedback.ResetIdentificationConfidenceScore is nil")
	}
	if !*fb.Feedback.ResetIdentificationConfidenceScore {
		t.Fatalf("*fb.Feedback.ResetIdentificationConfidenceScore is false, want true")
	}

	// The latest submission wins; the accessor hands out copies.
	clock.advance(time.Minute)
	if got := postFeedback(t, srv, "e1", `{"reset_identification_confidence_score":false}`).status; got != http.StatusAccepted {
		t.Fatalf("second postFeedback status = %v, want %v", got, http.StatusAccepted)
	}
	fb, _ = srv.Feedback("e1")
	if got := fb.Count; got != 2 {
		t.Fatalf("fb.Count = %v, want %v", got, 2)
	}
	if *fb.Feedback.ResetIdentificationConfidenceScore {
		t.Fatalf("*fb.Feedback.ResetIdentificationConfidenceScore is true, want false")
	}
	if !fb.At.Equal(fixedNow.Add(time.Minute)) {
		t.Fatalf("fb.At.Equal(fixedNow.Add(time.Minute)) is false, want true")
	}
	*fb.Feedback.ResetIdentificationConfidenceScore = true
	again, _ := srv.Feedback("e1")
	if *again.Feedback.ResetIdentificationConfidenceScore {
		t.Fatalf("the stored value is not shared: *again.Feedback.ResetIdentificationConfidenceScore is true, want false")
	}

	// The event itself is unchanged (the API applies feedback asynchronously).
	ev, _ := srv.Event("e1")
	if got, want := ev.Event, browserEvent("e1", 10).Event; !reflect.DeepEqual(got, want) {
		t.Fatalf("ev.Event = %v, want %v", got, want)
	}
	if got, want := srv.Requests()[0].Operation, OpSubmitEventFeedback; !reflect.DeepEqual(got, want) {
		t.Fatalf("srv.Requests()[0].Operation = %v, want %v", got, want)
	}
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
	if ok {
		t.Fatalf("nothing invalid was stored: ok is true, want false")
	}

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
	if got := postFeedback(t, srv, "day", resetTrue).status; got != http.StatusAccepted {
		t.Fatalf("postFeedback(t, srv, \"day\", resetTrue).status = %v, want %v", got, http.StatusAccepted)
	}
	clock.advance(time.Millisecond)
	wantError(t, postFeedback(t, srv, "day", resetTrue), http.StatusBadRequest, gen.ErrorCodeRequestCannotBeParsed,
		"feedback can only be submitted within 24 hours of the event")
	fb, _ := srv.Feedback("day")
	if got := fb.Count; got != 1 {
		t.Fatalf("fb.Count = %v, want %v", got, 1)
	}
	for _, id := range []string{"android", "ios", "edge"} {
		_, ok := srv.Feedback(id)
		if ok {
			t.Fatalf("%v: ok is true, want false", id)
		}
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

	if got := call(t, srv, "DELETE", "/visitors/v1", nil).status; got != http.StatusOK {
		t.Fatalf("a delete uses the delete quota only: call(t, srv, \"DELETE\", \"/visitors/v1\", nil).status = %v, want %v", got, http.StatusOK)
	}
	// t0
	if got := send().status; got != http.StatusAccepted {
		t.Fatalf("send().status = %v, want %v", got, http.StatusAccepted)
	}
	clock.advance(10 * time.Minute)
	// t0+10m
	if got := send().status; got != http.StatusAccepted {
		t.Fatalf("send().status = %v, want %v", got, http.StatusAccepted)
	}
	wantTooMany(t, send(), "too many requests", "3000") // the hour frees up at t0+60m
	if got := srv.Requests()[len(srv.Requests())-1].Fault; got != "feedback quota" {
		t.Fatalf("srv.Requests()[len(srv.Requests())-1].Fault = %q, want %q", got, "feedback quota")
	}
	wantTooMany(t, call(t, srv, "DELETE", "/visitors/v2", nil), "too many requests", "3000") // and the delete quota is full on its own
	fb, _ := srv.Feedback("e1")
	if got := fb.Count; got != 2 {
		t.Fatalf("a request over the quota stores nothing: fb.Count = %v, want %v", got, 2)
	}

	clock.advance(50 * time.Minute)
	// t0+60m: the day now holds 3
	if got := send().status; got != http.StatusAccepted {
		t.Fatalf("send().status = %v, want %v", got, http.StatusAccepted)
	}
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
		if got, want := n, min(FeedbackQuotaPerHour, FeedbackQuotaPerDay-hour*FeedbackQuotaPerHour); !reflect.DeepEqual(got, want) {
			t.Fatalf("hour %d: n = %v, want %v", hour, got, want)
		}
		clock.advance(time.Hour)
	}
	if got := status(); got != http.StatusTooManyRequests {
		t.Fatalf("the day is full: status() = %v, want %v", got, http.StatusTooManyRequests)
	}
	if got := call(t, srv, "DELETE", "/visitors/nobody", nil).status; got != http.StatusNotFound {
		t.Fatalf("deletes are not limited by it: call(t, srv, \"DELETE\", \"/visitors/nobody\", nil).status = %v, want %v", got, http.StatusNotFound)
	}

	for name, opt := range map[string]Option{"negative hour": WithFeedbackQuota(-1, 0), "negative day": WithFeedbackQuota(0, -1)} {
		_, err := Start(opt)
		if err == nil {
			t.Fatalf("%v: err: got nil error, want an error", name)
		}
	}
}

// osVersion is what a mobile OS reports: one to three dot-separated numbers.
var osVersion = regexp.MustCompile(`^[0-9]+(\.[0-9]+){0,2}$`)

// appleBoard is the shape of an Apple board code such as D79AP.
var appleBoard = regexp.MustCompile(`^D[0-9]+AP$`)

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
			if ev.DeviceDetails != nil {
				t.Fatalf("browser and edge events have no device_details (%s): ev.DeviceDetails = %v, want nil", ev.EventID, ev.DeviceDetails)
			}
			continue
		}
		mobile++
		d := ev.DeviceDetails
		if d == nil {
			t.Fatalf("mobile event %s: d is nil", ev.EventID)
		}
		if d.DeviceManufacturer == nil {
			t.Fatalf("d.DeviceManufacturer is nil")
		}
		if d.DeviceModel == nil {
			t.Fatalf("d.DeviceModel is nil")
		}
		if d.OSVersion == nil {
			t.Fatalf("d.OSVersion is nil")
		}
		if !osVersion.MatchString(*d.OSVersion) {
			t.Fatalf("*d.OSVersion = %q, want it to match %s", *d.OSVersion, osVersion)
		}
		components[len(regexp.MustCompile(`\.`).FindAllString(*d.OSVersion, -1))+1] = true
		manufacturers[*d.DeviceManufacturer] = true
		if ev.SDK.Platform == gen.SDKPlatformIOS {
			if got := *d.DeviceManufacturer; got != "Apple" {
				t.Fatalf("*d.DeviceManufacturer = %q, want %q", got, "Apple")
			}
			if !appleBoard.MatchString(*d.DeviceModel) {
				t.Fatalf("an Apple board code: *d.DeviceModel = %q, want it to match %s", *d.DeviceModel, appleBoard)
			}
		} else if *d.DeviceManufacturer == "Apple" {
			t.Fatalf("*d.DeviceManufacturer = %q on a non-iOS platform, want anything but %q", *d.DeviceManufacturer, "Apple")
		}
		// One device per visitor.
		if prev, ok := byVisitor[ev.Identification.VisitorID]; ok {
			if got, want := *d, prev; !reflect.DeepEqual(got, want) {
				t.Fatalf("visitor %s has two devices: %+v and %+v", ev.Identification.VisitorID, got, want)
			}
		}
		byVisitor[ev.Identification.VisitorID] = *d
	}
	if mobile <= 60 {
		t.Fatalf("mobile = %v, want > %v", mobile, 60)
	}
	if !manufacturers["samsung"] {
		t.Fatalf("raw vendor casing, e.g. samsung: %v: manufacturers[\"samsung\"] is false, want true", manufacturers)
	}
	if got, want := components, (map[int]bool{1: true, 2: true, 3: true}); !reflect.DeepEqual(got, want) {
		t.Fatalf("os_version with 1, 2 and 3 components: components = %v, want %v", got, want)
	}
}
