package fingerprint

import (
	"errors"
	"math"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/gen"
)

// fullParams sets every field of SearchEventsParams to a non-zero value via reflection,
// so a field added later is covered without editing this test.
func fullParams(t *testing.T) *SearchEventsParams {
	t.Helper()
	p := &SearchEventsParams{}
	v := reflect.ValueOf(p).Elem()
	for i := range v.NumField() {
		f, sf := v.Field(i), v.Type().Field(i)
		switch {
		case sf.Name == "Limit":
			f.SetInt(50)
		case sf.Name == "TotalHits":
			f.SetInt(500)
		case sf.Name == "Start":
			f.Set(reflect.ValueOf(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)))
		case sf.Name == "End":
			f.Set(reflect.ValueOf(time.Date(2026, 1, 31, 23, 59, 59, 0, time.UTC)))
		case f.Kind() == reflect.String:
			f.SetString(specExample(sf.Name))
		case f.Kind() == reflect.Bool:
			f.SetBool(true)
		case f.Kind() == reflect.Pointer && f.Type().Elem().Kind() == reflect.Bool:
			f.Set(reflect.ValueOf(Ptr(true)))
		case f.Kind() == reflect.Pointer && f.Type().Elem().Kind() == reflect.Float64:
			f.Set(reflect.ValueOf(Ptr(7.5)))
		case f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.String:
			s := reflect.MakeSlice(f.Type(), 0, 2)
			vals := []string{specExample(sf.Name)}
			if sf.Name != "Source" {
				vals = append(vals, specExample(sf.Name+"#2"))
			}
			for _, x := range vals {
				s = reflect.Append(s, reflect.ValueOf(x).Convert(f.Type().Elem()))
			}
			f.Set(s)
		default:
			t.Fatalf("fullParams: no sample value for field %s of type %s", sf.Name, sf.Type)
		}
	}
	return p
}

// specExample returns a value that the spec accepts for a field.
func specExample(field string) string {
	switch field {
	case "Bot":
		return "bad"
	case "BotInfo":
		return "all"
	case "BotInfoCategory":
		return "ai_agent"
	case "BotInfoCategory#2":
		return "search_engine_crawler"
	case "BotInfoIdentity", "BotInfoIdentity#2":
		return map[bool]string{true: "verified", false: "signed"}[field == "BotInfoIdentity"]
	case "BotInfoConfidence", "BotInfoConfidence#2":
		return map[bool]string{true: "high", false: "low"}[field == "BotInfoConfidence"]
	case "BotInfoName":
		return "ChatGPT Agent"
	case "VPNConfidence":
		return "medium"
	case "RareDevicePercentileBucket":
		return "p99.9+"
	case "SDKPlatform":
		return "js"
	case "IncrementalIdentificationStatus":
		return "partially_completed"
	case "Source":
		return "edge"
	case "IPAddress":
		return "192.0.2.0/24"
	case "URL":
		return "https://shop.example/cart?a=1&b=2"
	case "Origin":
		return "https://shop.example"
	}
	return "v-" + strings.ToLower(strings.TrimSuffix(field, "#2")) + map[bool]string{true: "-2", false: ""}[strings.HasSuffix(field, "#2")]
}

func TestSearchParamsExposeEverySpecParameter(t *testing.T) {
	t.Parallel()
	specParams := specQueryParams(t, loadSpec(t), http.MethodGet, "/events")
	var want []string
	for name := range specParams {
		want = append(want, name)
	}
	sort.Strings(want)

	q, err := url.ParseQuery(fullParams(t).encode())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for name := range q {
		got = append(got, name)
	}
	sort.Strings(got)
	if !slices.Equal(got, want) {
		t.Errorf("encoded parameters differ from the spec's GET /events parameters\n missing: %v\n extra:   %v",
			diff(want, got), diff(got, want))
	}
	if len(want) != 52 {
		t.Logf("note: the spec now has %d search parameters", len(want))
	}
}

func TestSearchParamsCoverGeneratedParams(t *testing.T) {
	t.Parallel()
	ours := reflect.TypeOf(SearchEventsParams{})
	gt := reflect.TypeOf(gen.SearchEventsParams{})
	for i := range gt.NumField() {
		f := gt.Field(i)
		if _, ok := ours.FieldByName(f.Name); !ok {
			t.Errorf("gen.SearchEventsParams.%s (%s) has no counterpart in SearchEventsParams", f.Name, f.Tag.Get("form"))
		}
	}
	if ours.NumField() != gt.NumField() {
		t.Errorf("SearchEventsParams has %d fields, gen.SearchEventsParams %d", ours.NumField(), gt.NumField())
	}
}

func diff(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

func TestSearchRequestShape(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request) { respond(w, 200, `{"events":[]}`) })
	p := &SearchEventsParams{
		Limit:           100,
		VisitorID:       "Ibk1527CUFmcnjLwIs4A9",
		BotInfoCategory: []BotInfoCategory{BotInfoCategoryAIAgent, BotInfoCategoryAIAssistant},
		BotInfoName:     []string{"ChatGPT Agent", "a&b=c"},
		Environment:     []string{"env1", "env 2"},
		Start:           time.Date(2026, 1, 1, 1, 0, 0, 999_000_000, time.FixedZone("CET", 3600)),
		End:             time.Date(2026, 1, 31, 23, 59, 59, 1, time.UTC),
		Reverse:         true,
		Suspect:         Ptr(false),
		VPN:             Ptr(true),
		MinSuspectScore: Ptr(0.0000001),
		Source:          []EventSource{EventSourceEdge},
		TotalHits:       1000,
		LinkedID:        "order+1",
	}
	if _, err := h.client.SearchEvents(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	got := h.requests()[0].RawQuery
	want := "limit=100&visitor_id=Ibk1527CUFmcnjLwIs4A9" +
		"&bot_info_category=ai_agent&bot_info_category=ai_assistant" +
		"&bot_info_name=ChatGPT%20Agent&bot_info_name=a%26b%3Dc" +
		"&linked_id=order%2B1" +
		"&start=2026-01-01T00%3A00%3A00Z&end=2026-02-01T00%3A00%3A00Z&reverse=true" +
		"&suspect=false&vpn=true&min_suspect_score=0.0000001" +
		"&environment=env1&environment=env%202&total_hits=1000&source=edge" +
		"&ii=fingerprint-go%2F" + Version
	if got != want {
		t.Errorf("query =\n%s\nwant\n%s", got, want)
	}
}

func TestSearchEncodingDetails(t *testing.T) {
	t.Parallel()
	floats := map[float64]string{7.5: "7.5", 0: "0", 1e-7: "0.0000001", 1e21: "1000000000000000000000", 12: "12", -0.25: "-0.25"}
	for f, want := range floats {
		q, _ := url.ParseQuery((&SearchEventsParams{MinSuspectScore: Ptr(f)}).encode())
		if got := q.Get("min_suspect_score"); got != want {
			t.Errorf("min_suspect_score(%v) = %q, want %q", f, got, want)
		}
	}
	ist := time.FixedZone("IST", 5*3600+1800)
	times := []struct {
		t          time.Time
		start, end string
	}{
		{time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC), "2026-05-01T10:00:00Z", "2026-05-01T10:00:00Z"},
		{time.Date(2026, 5, 1, 15, 30, 0, 0, ist), "2026-05-01T10:00:00Z", "2026-05-01T10:00:00Z"},
		{time.Date(2026, 5, 1, 10, 0, 0, 500, time.UTC), "2026-05-01T10:00:00Z", "2026-05-01T10:00:01Z"},
		{time.Date(2026, 12, 31, 23, 59, 59, 999_999_999, time.UTC), "2026-12-31T23:59:59Z", "2027-01-01T00:00:00Z"},
	}
	for _, tc := range times {
		if got := formatStart(tc.t); got != tc.start {
			t.Errorf("formatStart(%v) = %s, want %s", tc.t, got, tc.start)
		}
		if got := formatEnd(tc.t); got != tc.end {
			t.Errorf("formatEnd(%v) = %s, want %s", tc.t, got, tc.end)
		}
	}
	if got := (&SearchEventsParams{}).encode(); got != "" {
		t.Errorf("zero params encode to %q, want nothing", got)
	}
	if got := (*SearchEventsParams)(nil).encode(); got != "" {
		t.Errorf("nil params encode to %q", got)
	}
	// false is a filter value, not "unset".
	if got := (&SearchEventsParams{Suspect: Ptr(false), Tampering: Ptr(false)}).encode(); got != "suspect=false&tampering=false" {
		t.Errorf("false filters = %q", got)
	}
}

func TestSearchParamsValidation(t *testing.T) {
	t.Parallel()
	now := time.Now()
	cases := []struct {
		name  string
		p     SearchEventsParams
		field string // empty: valid
	}{
		{"zero", SearchEventsParams{}, ""},
		{"limit bounds", SearchEventsParams{Limit: 1, TotalHits: 1000}, ""},
		{"limit 100", SearchEventsParams{Limit: 100, TotalHits: 1}, ""},
		{"limit 101", SearchEventsParams{Limit: 101}, "Limit"},
		{"limit -5", SearchEventsParams{Limit: -5}, "Limit"},
		{"total hits -1", SearchEventsParams{TotalHits: -1}, "TotalHits"},
		{"total hits 1001", SearchEventsParams{TotalHits: 1001}, "TotalHits"},
		{"start after end", SearchEventsParams{Start: now, End: now.Add(-time.Hour)}, "Start"},
		{"start equals end", SearchEventsParams{Start: now, End: now}, ""},
		{"start only", SearchEventsParams{Start: now.Add(time.Hour)}, ""},
		{"NaN score", SearchEventsParams{MinSuspectScore: Ptr(math.NaN())}, "MinSuspectScore"},
		{"Inf score", SearchEventsParams{MinSuspectScore: Ptr(math.Inf(1))}, "MinSuspectScore"},
		{"two sources", SearchEventsParams{Source: []EventSource{"edge", "device"}}, "Source"},
		{"blank visitor", SearchEventsParams{VisitorID: "  "}, "VisitorID"},
		{"blank environment item", SearchEventsParams{Environment: []string{"a", ""}}, "Environment"},
		{"blank pagination key", SearchEventsParams{PaginationKey: "\t"}, "PaginationKey"},
	}
	for _, tc := range cases {
		err := tc.p.validate()
		var ve *ValidationError
		switch {
		case tc.field == "" && err != nil:
			t.Errorf("%s: unexpected error %v", tc.name, err)
		case tc.field != "" && (!errors.As(err, &ve) || ve.Field != tc.field):
			t.Errorf("%s: err = %v, want *ValidationError for %s", tc.name, err, tc.field)
		}
	}
}

func TestSearchParamsClone(t *testing.T) {
	t.Parallel()
	p := fullParams(t)
	c := p.clone()
	if !reflect.DeepEqual(p, c) {
		t.Fatal("clone differs")
	}
	// Mutating every pointer and slice of the clone must not touch the original.
	v := reflect.ValueOf(c).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		switch f.Kind() {
		case reflect.Pointer:
			o := reflect.ValueOf(p).Elem().Field(i)
			if f.Pointer() == o.Pointer() {
				t.Errorf("clone shares pointer field %s", v.Type().Field(i).Name)
			}
		case reflect.Slice:
			o := reflect.ValueOf(p).Elem().Field(i)
			if f.Len() > 0 && f.Index(0).Addr().Pointer() == o.Index(0).Addr().Pointer() {
				t.Errorf("clone shares slice field %s", v.Type().Field(i).Name)
			}
		}
	}
	if (*SearchEventsParams)(nil).clone() == nil {
		t.Error("clone of nil should be empty params")
	}
}

func TestRequestsConformToSpec(t *testing.T) {
	t.Parallel()
	v := newSpecValidator(t)
	var violations []string
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
		if err := v.validate(r); err != nil {
			violations = append(violations, r.Method+" "+r.URL.String()+": "+err.Error())
		}
		respondOK(w, r, false)
	})
	c, ctx := h.client, t.Context()
	tags := map[string]any{"k": "v"}
	mustOK(t, func() error { _, err := c.SearchEvents(ctx, fullParams(t)); return err })
	mustOK(t, func() error { _, err := c.SearchEvents(ctx, nil); return err })
	mustOK(t, func() error {
		_, err := c.GetEvent(ctx, "1708102555327.NLOjmg", &GetEventOptions{RulesetID: "rs_1"})
		return err
	})
	mustOK(t, func() error {
		return c.UpdateEvent(ctx, "e1", EventUpdate{LinkedID: Ptr("l"), Tags: &tags, Suspect: Ptr(false)})
	})
	mustOK(t, func() error { return c.DeleteVisitorData(ctx, "v1") })
	mustOK(t, func() error {
		return c.SubmitEventFeedback(ctx, "1708102555327.NLOjmg", EventFeedback{ResetIdentificationConfidenceScore: Ptr(true)})
	})
	mustOK(t, func() error {
		_, err := c.AnalyzeRequest(ctx, &EdgeRequest{Headers: []EdgeRequestHeader{{Name: "Authorization", Value: ""}},
			Method: "POST", URL: "https://a.example/login", IPv4Address: Ptr("192.0.2.1"), IPv6Address: Ptr("2001:db8::1"),
			LinkedID: Ptr("l"), Tags: &Tags{"k": 1}})
		return err
	})
	for _, s := range violations {
		t.Error(s)
	}
}

func mustOK(t *testing.T, f func() error) {
	t.Helper()
	if err := f(); err != nil {
		t.Fatal(err)
	}
}
