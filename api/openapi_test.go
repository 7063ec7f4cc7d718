package api_test

import (
	"context"
	"sort"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/fpgo/fingerprint-go/internal/apispec"
)

func loadEmbedded(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := apispec.Load()
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestEmbeddedSpecValidates(t *testing.T) {
	doc := loadEmbedded(t)
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("api/openapi.yaml is not valid OpenAPI: %v", err)
	}
	if doc.OpenAPI < "3.1" {
		t.Errorf("openapi: %s, want 3.1.x", doc.OpenAPI)
	}
}

// The contract users see in godoc: component names match the vendor's.
func TestComponentNames(t *testing.T) {
	schemas := loadEmbedded(t).Components.Schemas
	for _, name := range []string{
		"Event", "EventSearch", "EventUpdate", "EdgeRequest", "EdgeResponse",
		"ErrorResponse", "Error", "ErrorCode", "IPInfo", "BotInfo", "RawDeviceAttributes",
		"DeviceDetails", "EventFeedbackRequest",
	} {
		if schemas[name] == nil {
			t.Errorf("components.schemas.%s is missing", name)
		}
	}
}

func TestOperationsServersAndSecurity(t *testing.T) {
	doc := loadEmbedded(t)
	var ids []string
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			ids = append(ids, op.OperationID)
		}
	}
	sort.Strings(ids)
	want := []string{"analyzeRequestForAutomationIntelligence", "deleteVisitorData", "getEvent", "searchEvents", "submitEventFeedback", "updateEvent"}
	if len(ids) != len(want) {
		t.Fatalf("operations %v, want %v", ids, want)
	}
	for i := range want {
		if ids[i] != want[i] {
			t.Fatalf("operations %v, want %v", ids, want)
		}
	}
	if doc.Webhooks["event"] == nil || doc.Webhooks["event"].Post == nil {
		t.Error("webhook event (POST) is missing")
	}

	servers := map[string]bool{}
	for _, s := range doc.Servers {
		servers[s.URL] = true
	}
	for _, u := range []string{"https://api.fpjs.io/v4", "https://eu.api.fpjs.io/v4", "https://ap.api.fpjs.io/v4"} {
		if !servers[u] {
			t.Errorf("server %s is missing (have %v)", u, servers)
		}
	}

	bearer := false
	for _, ref := range doc.Components.SecuritySchemes {
		if ref.Value != nil && ref.Value.Type == "http" && ref.Value.Scheme == "bearer" {
			bearer = true
		}
	}
	if !bearer || len(doc.Security) == 0 {
		t.Error("want an http bearer security scheme applied to the whole API")
	}
}
