package gen_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// referenceExamples is where the vendor's published example payloads live,
// beside the repository (see ../shared/reference/README.md). They are read,
// never copied into the project.
const referenceExamples = "../../shared/reference/examples"

// referenceType picks the generated type for a reference example by its file name.
func referenceType(rel string) (wireType, bool) {
	base := filepath.Base(rel)
	switch {
	case strings.HasPrefix(filepath.ToSlash(rel), "errors/"):
		return typeErrorResponse, true
	case base == "analyze.json":
		return typeEdgeRequest, true
	case strings.HasPrefix(base, "analyze_200"):
		return typeEdgeResponse, true
	case strings.HasPrefix(base, "get_event_search_"):
		return typeEventSearch, true
	case strings.HasPrefix(base, "get_event_"), strings.HasPrefix(base, "webhook_event"):
		return typeEvent, true
	case strings.HasPrefix(base, "update_event_") && strings.HasSuffix(base, "_request.json"):
		return typeEventUpdate, true
	}
	return "", false
}

// TestReferenceExamplesRoundTrip decodes every published example into the
// generated type, re-encodes it without loss and validates it against our spec.
func TestReferenceExamplesRoundTrip(t *testing.T) {
	if _, err := os.Stat(referenceExamples); errors.Is(err, fs.ErrNotExist) {
		t.Skipf("reference examples %s are absent (they live in ../shared beside the repo); skipping", referenceExamples)
	}
	files := jsonFiles(t, referenceExamples)
	if len(files) == 0 {
		t.Fatalf("no examples found under %s", referenceExamples)
	}
	for _, path := range files {
		rel, _ := filepath.Rel(referenceExamples, path)
		t.Run(filepath.ToSlash(rel), func(t *testing.T) {
			w, ok := referenceType(rel)
			if !ok {
				t.Fatalf("no generated type known for example %s; extend referenceType", rel)
			}
			data := readFile(t, path)
			assertSameJSON(t, data, roundTrip(t, w, data))
			validateAgainstSpec(t, w, data)
		})
	}
}
