package apispec

import (
	"net/http/httptest"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

func TestLoadReturnsIndependentDocuments(t *testing.T) {
	a, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	b, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Servers) == 0 {
		t.Fatal("api/openapi.yaml names no servers")
	}
	if _, err := NewPathRouter(a); err != nil {
		t.Fatal(err)
	}
	if a.Servers != nil || len(b.Servers) == 0 {
		t.Errorf("NewPathRouter must clear its own document's servers only: a=%v b=%v", a.Servers, b.Servers)
	}
}

func TestValidateRequestFirstOrAllViolations(t *testing.T) {
	doc, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	router, err := NewPathRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	good := httptest.NewRequestWithContext(t.Context(), "GET", "/events?limit=5", nil)
	route, params, err := router.FindRoute(good)
	if err != nil {
		t.Fatalf("GET /events not routed: %v", err)
	}
	if err := ValidateRequest(t.Context(), good, route, params, false); err != nil {
		t.Errorf("valid search rejected: %v", err)
	}

	bad := httptest.NewRequestWithContext(t.Context(), "GET", "/events?limit=0&total_hits=0", nil)
	route, params, err = router.FindRoute(bad)
	if err != nil {
		t.Fatal(err)
	}
	// Type assertions, not errors.As: ValidateRequest promises these types unwrapped, and
	// errors.As would also find a RequestError inside a MultiError.
	if _, single := ValidateRequest(t.Context(), bad, route, params, false).(*openapi3filter.RequestError); !single { //nolint:errorlint // see above
		t.Error("all=false: want the first violation as one *openapi3filter.RequestError")
	}
	multi, ok := ValidateRequest(t.Context(), bad, route, params, true).(openapi3.MultiError) //nolint:errorlint // see above
	if !ok || len(multi) != 2 {
		t.Errorf("all=true: want both violations as a MultiError, got %v", multi)
	}
}
