package fingerprint

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"

	"github.com/fpgo/fingerprint-go/internal/apispec"
)

// loadSpec parses api/openapi.yaml, the source of truth of gen/ and of these checks.
func loadSpec(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := apispec.Load()
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// specQueryParams returns the query parameters of an operation, with their schemas.
func specQueryParams(t *testing.T, doc *openapi3.T, method, path string) map[string]*openapi3.Parameter {
	t.Helper()
	item := doc.Paths.Find(path)
	if item == nil {
		t.Fatalf("spec has no path %s", path)
	}
	op := item.GetOperation(method)
	if op == nil {
		t.Fatalf("spec has no %s %s", method, path)
	}
	out := map[string]*openapi3.Parameter{}
	for _, p := range op.Parameters {
		if p.Value != nil && p.Value.In == "query" {
			out[p.Value.Name] = p.Value
		}
	}
	return out
}

func TestRegionURLsMatchSpecServers(t *testing.T) {
	t.Parallel()
	doc := loadSpec(t)
	var servers []string
	for _, s := range doc.Servers {
		servers = append(servers, s.URL)
	}
	want := []Region{RegionUS, RegionEU, RegionAsia}
	if len(servers) != len(want) {
		t.Fatalf("spec servers = %v, want %d", servers, len(want))
	}
	for i, r := range want {
		if got, _ := r.baseURL(); got != servers[i] {
			t.Errorf("%s base URL = %s, spec server %d = %s", r, got, i, servers[i])
		}
	}
}

// specValidator checks recorded requests against api/openapi.yaml with kin-openapi.
type specValidator struct {
	router routers.Router
}

func newSpecValidator(t *testing.T) *specValidator {
	t.Helper()
	router, err := apispec.NewPathRouter(loadSpec(t)) // paths directly under the test server's root
	if err != nil {
		t.Fatal(err)
	}
	return &specValidator{router: router}
}

// validate returns the spec violations of r (nil when it conforms). Authentication is
// checked by the caller.
func (v *specValidator) validate(r *http.Request) error {
	route, params, err := v.router.FindRoute(r)
	if err != nil {
		return fmt.Errorf("no route: %w", err)
	}
	return apispec.ValidateRequest(r.Context(), r, route, params, true)
}
