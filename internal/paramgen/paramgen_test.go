package paramgen

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// miniSpec is a spec with GET /events and the given query parameters (YAML, indented).
func miniSpec(params string) []byte {
	return []byte(`openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /events:
    get:
      parameters:
` + params + `      responses:
        '200': {description: ok}
`)
}

const miniGen = "package gen\n\ntype SearchEventsParams struct {\n%s}\n"

func TestGenerateRefusesWhatItCannotMap(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, params, fields, want string
	}{
		{"field without parameter",
			"      - {name: limit, in: query, schema: {type: integer, minimum: 1}}\n",
			"Limit *int32 `form:\"limit,omitempty\"`\nExtra *string `form:\"extra,omitempty\"`\n",
			"gen.SearchEventsParams.Extra (extra) is not a query parameter"},
		{"parameter without field",
			"      - {name: limit, in: query, schema: {type: integer, minimum: 1}}\n      - {name: other, in: query, schema: {type: string}}\n",
			"Limit *int32 `form:\"limit,omitempty\"`\n",
			"query parameter other of GET /events has no field"},
		{"object parameter",
			"      - {name: filter, in: query, schema: {type: object}}\n",
			"Filter *map[string]interface{} `form:\"filter,omitempty\"`\n",
			"no Go form for search parameter filter"},
		{"bounds on a string",
			"      - {name: code, in: query, schema: {type: string, minimum: 1}}\n",
			"Code *string `form:\"code,omitempty\"`\n",
			"has numeric bounds but is not a number"},
	} {
		_, err := Generate([]byte(strings.Replace(miniGen, "%s", tc.fields, 1)), miniSpec(tc.params))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
	}
}

// The committed outputs are what the generator writes from the committed inputs
// (gen-check also checks this, from a fresh gen/).
func TestCommittedOutputsAreFresh(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..")
	read := func(p string) []byte {
		data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(p)))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	files, err := Generate(read("gen/fingerprint.gen.go"), read("api/openapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if string(files.SDK) != string(read(SDKFile)) || string(files.Table) != string(read(TableFile)) {
		t.Errorf("%s or %s is stale: run make generate", SDKFile, TableFile)
	}
}
