package fingerprinttest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"

	"github.com/fpgo/fingerprint-go/api"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// Operation IDs of api/openapi.yaml. Faults and the request log name operations with them.
const (
	OpGetEvent          = "getEvent"
	OpUpdateEvent       = "updateEvent"
	OpSearchEvents      = "searchEvents"
	OpDeleteVisitorData = "deleteVisitorData"
	OpAnalyzeRequest    = "analyzeRequestForAutomationIntelligence"
)

// spec is the parsed contract, shared by every server: loading it costs tens of
// milliseconds, and the router and document are only read after construction.
type spec struct {
	doc    *openapi3.T
	router routers.Router
	event  *openapi3.Schema
}

var (
	specOnce   sync.Once
	loadedSpec *spec
	specErr    error
)

func loadSpec() (*spec, error) {
	specOnce.Do(func() {
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(api.OpenAPI)
		if err != nil {
			specErr = fmt.Errorf("fingerprinttest: parse embedded OpenAPI: %w", err)
			return
		}
		// The spec names the vendor's hosts; this server matches paths only, after
		// stripping its own base path.
		doc.Servers = nil
		router, err := legacy.NewRouter(doc)
		if err != nil {
			specErr = fmt.Errorf("fingerprinttest: build router: %w", err)
			return
		}
		ref := doc.Components.Schemas["Event"]
		if ref == nil || ref.Value == nil {
			specErr = fmt.Errorf("fingerprinttest: the embedded OpenAPI has no Event schema")
			return
		}
		loadedSpec = &spec{doc: doc, router: router, event: ref.Value}
	})
	return loadedSpec, specErr
}

// validate checks r (whose path is relative to the API base) against the operation's
// parameters and body schema. Authentication is checked separately, before this.
func (s *spec) validate(ctx context.Context, r *http.Request, route *routers.Route, params map[string]string) error {
	in := &openapi3filter.RequestValidationInput{
		Request:    r,
		PathParams: params,
		Route:      route,
		Options: &openapi3filter.Options{
			AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
		},
	}
	return openapi3filter.ValidateRequest(ctx, in)
}

// validateEvent checks an event's JSON against the Event schema, so the server never
// serves an event the real API could not send.
func (s *spec) validateEvent(eventJSON []byte) error {
	var v any
	if err := json.Unmarshal(eventJSON, &v); err != nil {
		return err
	}
	return s.event.VisitJSON(v, openapi3.MultiErrors())
}
