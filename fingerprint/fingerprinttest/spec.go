package fingerprinttest

import (
	"encoding/json"
	"fmt"
	"sync"

	"github.com/fpgo/fingerprint-go/internal/apispec"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
)

// Operation IDs of api/openapi.yaml. Faults and the request log name operations with them.
const (
	OpGetEvent          = "getEvent"
	OpUpdateEvent       = "updateEvent"
	OpSearchEvents      = "searchEvents"
	OpDeleteVisitorData = "deleteVisitorData"
	OpAnalyzeRequest    = "analyzeRequestForAutomationIntelligence"
	// OpSubmitEventFeedback is POST /events/{event_id}/feedback (beta).
	OpSubmitEventFeedback = "submitEventFeedback"
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
		doc, err := apispec.Load()
		if err != nil {
			specErr = fmt.Errorf("fingerprinttest: %w", err)
			return
		}
		// This server matches paths only, after stripping its own base path.
		router, err := apispec.NewPathRouter(doc)
		if err != nil {
			specErr = fmt.Errorf("fingerprinttest: %w", err)
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

// validateEvent checks an event's JSON against the Event schema, so the server never
// serves an event the real API could not send.
func (s *spec) validateEvent(eventJSON []byte) error {
	var v any
	if err := json.Unmarshal(eventJSON, &v); err != nil {
		return err
	}
	return s.event.VisitJSON(v, openapi3.MultiErrors())
}
