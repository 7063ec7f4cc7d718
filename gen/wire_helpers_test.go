package gen_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/fpgo/fingerprint-go/gen"
	"github.com/fpgo/fingerprint-go/internal/apispec"
)

// wireType names the generated type a JSON body decodes into; it is also the
// component schema of api/openapi.yaml that the body must validate against.
type wireType string

const (
	typeEvent         wireType = "Event"
	typeEventSearch   wireType = "EventSearch"
	typeEventUpdate   wireType = "EventUpdate"
	typeEdgeRequest   wireType = "EdgeRequest"
	typeEdgeResponse  wireType = "EdgeResponse"
	typeErrorResponse wireType = "ErrorResponse"
)

// newValue returns a pointer to a fresh value of the generated type.
func (w wireType) newValue() any {
	switch w {
	case typeEvent:
		return new(gen.Event)
	case typeEventSearch:
		return new(gen.EventSearch)
	case typeEventUpdate:
		return new(gen.EventUpdate)
	case typeEdgeRequest:
		return new(gen.EdgeRequest)
	case typeEdgeResponse:
		return new(gen.EdgeResponse)
	case typeErrorResponse:
		return new(gen.ErrorResponse)
	}
	panic("unknown wire type " + string(w))
}

// roundTrip decodes data into the generated type, encodes it again and
// returns the re-encoded bytes, failing the test on any decode error.
func roundTrip(t *testing.T, w wireType, data []byte) []byte {
	t.Helper()
	v := w.newValue()
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("decode into gen.%s: %v", w, err)
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("encode gen.%s: %v", w, err)
	}
	return out
}

// assertSameJSON fails when two documents differ semantically (key order and
// whitespace do not matter; every value, including false, 0, "", {} and [], does).
func assertSameJSON(t *testing.T, want, got []byte) {
	t.Helper()
	a, b := decodeAny(t, want), decodeAny(t, got)
	if diffs := jsonDiff("$", a, b); len(diffs) > 0 {
		t.Errorf("round trip lost or changed %d value(s):\n  %s", len(diffs), strings.Join(diffs, "\n  "))
	}
}

func decodeAny(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, data)
	}
	return v
}

// jsonDiff lists the paths where two decoded JSON values differ.
func jsonDiff(path string, want, got any) []string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: want object, got %s", path, short(got))}
		}
		keys := map[string]bool{}
		for k := range w {
			keys[k] = true
		}
		for k := range g {
			keys[k] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		var out []string
		for _, k := range sorted {
			wv, inW := w[k]
			gv, inG := g[k]
			switch {
			case !inG:
				out = append(out, fmt.Sprintf("%s.%s: missing after round trip (was %s)", path, k, short(wv)))
			case !inW:
				out = append(out, fmt.Sprintf("%s.%s: appeared after round trip (%s)", path, k, short(gv)))
			default:
				out = append(out, jsonDiff(path+"."+k, wv, gv)...)
			}
		}
		return out
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return []string{fmt.Sprintf("%s: want %s, got %s", path, short(want), short(got))}
		}
		var out []string
		for i := range w {
			out = append(out, jsonDiff(fmt.Sprintf("%s[%d]", path, i), w[i], g[i])...)
		}
		return out
	default:
		if !reflect.DeepEqual(want, got) {
			return []string{fmt.Sprintf("%s: want %s, got %s", path, short(want), short(got))}
		}
		return nil
	}
}

func short(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 80 {
		return string(b[:80]) + "…"
	}
	return string(b)
}

var (
	specOnce sync.Once
	specDoc  *openapi3.T
	specErr  error
)

// ourSpec is api/openapi.yaml, loaded once for all tests.
func ourSpec(t *testing.T) *openapi3.T {
	t.Helper()
	specOnce.Do(func() { specDoc, specErr = apispec.Load() })
	if specErr != nil {
		t.Fatal(specErr)
	}
	return specDoc
}

// validateAgainstSpec checks a body against the component schema of our spec.
func validateAgainstSpec(t *testing.T, w wireType, data []byte) {
	t.Helper()
	ref := ourSpec(t).Components.Schemas[string(w)]
	if ref == nil || ref.Value == nil {
		t.Fatalf("api/openapi.yaml has no components.schemas.%s", w)
	}
	// Both of kin-openapi's validators: its own OpenAPI one, and the JSON Schema
	// 2020-12 one that OpenAPI 3.1 prescribes (unevaluatedProperties, const).
	for mode, opts := range map[string][]openapi3.SchemaValidationOption{
		"openapi":          {openapi3.MultiErrors(), openapi3.DisableSchemaErrorDetails()},
		"json-schema-2020": {openapi3.MultiErrors(), openapi3.EnableJSONSchema2020()},
	} {
		if err := ref.Value.VisitJSON(decodeAny(t, data), opts...); err != nil {
			t.Errorf("does not validate against components.schemas.%s of api/openapi.yaml (%s validator):\n%v", w, mode, err)
		}
	}
}

// jsonFiles lists the *.json files under dir, recursively, sorted.
func jsonFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() && strings.HasSuffix(p, ".json") {
			out = append(out, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSpace(data)
}
