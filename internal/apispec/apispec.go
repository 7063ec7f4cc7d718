// Package apispec parses the module's OpenAPI description (api/openapi.yaml, embedded in
// package api) and checks requests against it. fingerprinttest serves with it, and the
// module's tests check the SDK's requests and models with it.
package apispec

import (
	"context"
	"fmt"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/fpgo/fingerprint-go/api"
)

// Load parses the embedded api/openapi.yaml. Each call returns a new document, so
// callers may change it.
func Load() (*openapi3.T, error) {
	doc, err := openapi3.NewLoader().LoadFromData(api.OpenAPI)
	if err != nil {
		return nil, fmt.Errorf("parse embedded api/openapi.yaml: %w", err)
	}
	return doc, nil
}

// NewPathRouter returns a router that matches request paths relative to the API base
// URL. It removes doc's servers, which name the vendor's hosts.
func NewPathRouter(doc *openapi3.T) (routers.Router, error) {
	doc.Servers = nil
	router, err := legacy.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("build router: %w", err)
	}
	return router, nil
}

// ValidateRequest checks r against the parameters and body schema of its route.
// Authentication is left to the caller. With all, every violation is reported (as
// openapi3.MultiError), not only the first.
func ValidateRequest(ctx context.Context, r *http.Request, route *routers.Route, params map[string]string, all bool) error {
	return openapi3filter.ValidateRequest(ctx, &openapi3filter.RequestValidationInput{
		Request:    r,
		PathParams: params,
		Route:      route,
		Options: &openapi3filter.Options{
			AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
			MultiError:         all,
		},
	})
}
