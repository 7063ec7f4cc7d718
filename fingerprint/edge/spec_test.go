package edge_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/edge"
	"github.com/fpgo/fingerprint-go/internal/apispec"
)

// edgeRequestSamples are RequestFromHTTP outputs covering IPv4, IPv6, credentials,
// repeated headers, linked ID and tags.
func edgeRequestSamples(t *testing.T) []any {
	t.Helper()
	r1 := httptest.NewRequest(http.MethodPost, "https://shop.example.org/pay?x=1", nil)
	r1.RemoteAddr = "198.51.100.20:4000"
	r1.Header.Set("Cookie", "a=b")
	r1.Header.Add("Accept", "a")
	r1.Header.Add("Accept", "b")
	r2 := httptest.NewRequest(http.MethodGet, "http://a.example/", nil)
	r2.RemoteAddr = "[2001:db8::1]:1"
	var out []any
	for _, tc := range []struct {
		r    *http.Request
		opts *edge.RequestOptions
	}{
		{r1, &edge.RequestOptions{LinkedID: "order-1", Tags: fingerprint.Tags{"k": "v"}}},
		{r2, nil},
	} {
		er, err := edge.RequestFromHTTP(tc.r, tc.opts)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := json.Marshal(er)
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

func validateEdgeSamples(t *testing.T, doc *openapi3.T) {
	t.Helper()
	ref := doc.Components.Schemas["EdgeRequest"]
	if ref == nil || ref.Value == nil {
		t.Fatal("spec has no EdgeRequest schema")
	}
	for i, v := range edgeRequestSamples(t) {
		if err := ref.Value.VisitJSON(v); err != nil {
			t.Errorf("sample %d does not match EdgeRequest: %v", i, err)
		}
	}
}

func TestRequestFromHTTP_MatchesOurSpec(t *testing.T) {
	t.Parallel()
	doc, err := apispec.Load()
	if err != nil {
		t.Fatal(err)
	}
	validateEdgeSamples(t, doc)
}

func TestRequestFromHTTP_MatchesVendorSpec(t *testing.T) {
	t.Parallel()
	path := filepath.Join("..", "..", "shared", "reference", "fingerprint-server-api-v4.yaml")
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		t.Skipf("vendor reference not present at %s; CI provides it", path)
	}
	doc, err := openapi3.NewLoader().LoadFromFile(path)
	if err != nil {
		t.Fatal(err)
	}
	validateEdgeSamples(t, doc)
}
