package fingerprint

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// wireFixture reads one of the module's wire fixtures (testdata/wire, written for this SDK).
func wireFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "wire", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// wantDeviceDetails checks the three device_details strings exactly: os_version is
// passed on as sent, whatever its number of components ("13", "16.1", "17.4.1").
func wantDeviceDetails(t *testing.T, ev *Event, manufacturer, model, osVersion string) {
	t.Helper()
	d := ev.DeviceDetails
	if d == nil {
		t.Fatalf("event %s: DeviceDetails is nil", ev.EventID)
	}
	for _, f := range []struct {
		name      string
		got       *string
		want      string
		wantUnset bool
	}{
		{name: "DeviceManufacturer", got: d.DeviceManufacturer, want: manufacturer, wantUnset: manufacturer == ""},
		{name: "DeviceModel", got: d.DeviceModel, want: model, wantUnset: model == ""},
		{name: "OSVersion", got: d.OSVersion, want: osVersion, wantUnset: osVersion == ""},
	} {
		switch {
		case f.wantUnset && f.got != nil:
			t.Errorf("event %s: %s = %q, want it absent", ev.EventID, f.name, *f.got)
		case !f.wantUnset && f.got == nil:
			t.Errorf("event %s: %s is absent, want %q", ev.EventID, f.name, f.want)
		case !f.wantUnset && *f.got != f.want:
			t.Errorf("event %s: %s = %q, want %q", ev.EventID, f.name, *f.got, f.want)
		}
	}
	// Re-encoded, the object is what the server sent: no field gained, none reshaped.
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	if osVersion != "" && !strings.Contains(string(b), `"os_version":"`+osVersion+`"`) {
		t.Errorf("event %s: device_details re-encodes as %s", ev.EventID, b)
	}
}

func TestGetEventDecodesDeviceDetails(t *testing.T) {
	for _, tc := range []struct {
		fixture, id, manufacturer, model, osVersion string
	}{
		{fixture: "event_mobile_android.json", id: "1767312000456.Pm0Tzd", manufacturer: "samsung", model: "SM-A546B", osVersion: "13"},
		{fixture: "event_mobile_ios.json", id: "1767484800321.Ti7Kqw", manufacturer: "Apple", model: "D73AP", osVersion: "17.4.1"},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			body := wireFixture(t, tc.fixture)
			h := newHarness(t, func(w http.ResponseWriter, r *http.Request) { respond(w, 200, string(body)) })
			ev, err := h.client.GetEvent(t.Context(), tc.id, nil)
			if err != nil {
				t.Fatal(err)
			}
			wantDeviceDetails(t, ev, tc.manufacturer, tc.model, tc.osVersion)
		})
	}
}

func TestSearchEventsDecodesDeviceDetails(t *testing.T) {
	body := wireFixture(t, "search_mobile_page.json")
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request) { respond(w, 200, string(body)) })
	page, err := h.client.SearchEvents(t.Context(), &SearchEventsParams{Limit: 4})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Events) != 4 {
		t.Fatalf("got %d events, want 4", len(page.Events))
	}
	wantDeviceDetails(t, &page.Events[0], "Apple", "D63AP", "16.1")
	wantDeviceDetails(t, &page.Events[1], "Xiaomi", "2211133G", "14")
	if d := page.Events[2].DeviceDetails; d != nil {
		t.Errorf("browser event: DeviceDetails = %+v, want nil", *d)
	}
	wantDeviceDetails(t, &page.Events[3], "", "", "13") // an old SDK reporting only the version

	// The iterator decodes the same pages.
	var versions []string
	for ev, err := range h.client.SearchEventsIter(t.Context(), &SearchEventsParams{Limit: 4}) {
		if err != nil {
			t.Fatal(err)
		}
		if ev.DeviceDetails != nil {
			versions = append(versions, *ev.DeviceDetails.OSVersion)
		}
		if len(versions) == 3 {
			break
		}
	}
	if got := strings.Join(versions, " "); got != "16.1 14 13" {
		t.Errorf("iterator os_version values: %q, want %q", got, "16.1 14 13")
	}
}
