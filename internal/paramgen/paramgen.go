// Package paramgen writes the search parameters of package fingerprint from the API
// description, so that api/openapi.yaml is their single source: adding a query
// parameter to GET /events there and running `make generate` gives
//
//   - the field of fingerprint.SearchEventsParams (fingerprint/search_params.gen.go),
//   - its encoding, in the spec's order, with the SDK's wire choices (whole-second
//     RFC 3339 times, plain decimals, one key per array value),
//   - the checks of the bounds and item limits the spec documents,
//   - its deep copy, and
//   - its entry in internal/searchparams (params.gen.go), from which the CLI makes a flag.
//
// Go names and types come from package gen (oapi-codegen with api/overlay.yaml applied);
// bounds, item limits, enums and descriptions come from the spec. cmd/gen-searchparams
// runs it from `go generate`; cmd/gen-check runs it to check the committed files are fresh.
package paramgen

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"go/types"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Command is how the outputs are regenerated; it is named in their headers.
const Command = "go run ./cmd/gen-searchparams"

// Output paths, relative to the repository root.
const (
	SDKFile   = "fingerprint/search_params.gen.go"
	TableFile = "internal/searchparams/params.gen.go"
)

// structName is the parameter struct oapi-codegen writes for the search operation, and
// the name package fingerprint gives its own.
const structName = "SearchEventsParams"

// plainBools are the boolean parameters whose Go field predates generation as a bool
// (false: not sent) rather than a tri-state *bool. Kept for compatibility; every new
// boolean parameter is a *bool, since a filter on false differs from no filter.
var plainBools = map[string]bool{"reverse": true}

// kind is how a field is held, checked and encoded.
type kind int

const (
	kindInt     kind = iota // int: 0 is unset (the spec's minimum is at least 1)
	kindIntPtr              // *int
	kindFloat               // *float64, sent as a plain decimal
	kindBool                // bool: sent only when true
	kindTriBool             // *bool
	kindString              // string or a named string type: "" is unset
	kindSlice               // []T: one key per value
	kindTime                // time.Time: RFC 3339, UTC, whole seconds
)

// param is one query parameter with what the generator needs of it.
type param struct {
	name, field, goType, elem, desc string
	kind                            kind
	enum                            []string
	min, max                        *float64
	maxItems                        int
}

// Files is the generated source of the two outputs.
type Files struct {
	SDK, Table []byte
}

// Generate returns the outputs for the given source of gen/fingerprint.gen.go and
// api/openapi.yaml.
func Generate(genSource, spec []byte) (Files, error) {
	f, err := parser.ParseFile(token.NewFileSet(), "fingerprint.gen.go", genSource, parser.ParseComments)
	if err != nil {
		return Files{}, fmt.Errorf("paramgen: parse gen source: %w", err)
	}
	fields, enums, err := readGen(f)
	if err != nil {
		return Files{}, err
	}
	specParams, err := readSpec(spec)
	if err != nil {
		return Files{}, err
	}
	params := make([]param, 0, len(fields))
	for _, fl := range fields {
		sp, ok := specParams[fl.name]
		if !ok {
			return Files{}, fmt.Errorf("paramgen: gen.%s.%s (%s) is not a query parameter of GET /events in the spec", structName, fl.field, fl.name)
		}
		p, err := classify(fl, sp)
		if err != nil {
			return Files{}, err
		}
		params = append(params, p)
		delete(specParams, fl.name)
	}
	for name := range specParams {
		return Files{}, fmt.Errorf("paramgen: query parameter %s of GET /events has no field in gen.%s", name, structName)
	}
	sdk, err := writeSDK(params, enums)
	if err != nil {
		return Files{}, err
	}
	table, err := writeTable(params)
	if err != nil {
		return Files{}, err
	}
	return Files{SDK: sdk, Table: table}, nil
}

// genField is a field of gen.SearchEventsParams.
type genField struct {
	name, field, goType string
}

// enumType is a search-only enum type of package gen and its values.
type enumType struct {
	name   string
	values []string
}

// readGen reads the fields of gen.SearchEventsParams, in order, and the search-only enum
// types (SearchEventsParams<Name>) with their constants.
func readGen(f *ast.File) ([]genField, []enumType, error) {
	var fields []genField
	enums := map[string]*enumType{}
	consts := map[string][]string{} // type name -> constant names, in source order
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok {
			continue
		}
		for _, spec := range gd.Specs {
			switch s := spec.(type) {
			case *ast.TypeSpec:
				name := s.Name.Name
				if name == structName {
					st, ok := s.Type.(*ast.StructType)
					if !ok {
						return nil, nil, fmt.Errorf("paramgen: gen.%s is not a struct", structName)
					}
					fs, err := structFields(st)
					if err != nil {
						return nil, nil, err
					}
					fields = fs
				} else if strings.HasPrefix(name, structName) && s.Assign == 0 {
					if id, ok := s.Type.(*ast.Ident); ok && id.Name == "string" {
						enums[name] = &enumType{name: name}
					}
				}
			case *ast.ValueSpec:
				id, ok := s.Type.(*ast.Ident)
				if gd.Tok != token.CONST || !ok {
					continue
				}
				for _, n := range s.Names {
					consts[id.Name] = append(consts[id.Name], n.Name)
				}
			}
		}
	}
	if fields == nil {
		return nil, nil, fmt.Errorf("paramgen: gen source has no type %s", structName)
	}
	out := make([]enumType, 0, len(enums))
	for _, e := range enums {
		e.values = consts[e.name]
		out = append(out, *e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return fields, out, nil
}

func structFields(st *ast.StructType) ([]genField, error) {
	var out []genField
	for _, fl := range st.Fields.List {
		if len(fl.Names) != 1 || fl.Tag == nil {
			return nil, fmt.Errorf("paramgen: unexpected field shape in gen.%s", structName)
		}
		tag, err := strconv.Unquote(fl.Tag.Value)
		if err != nil {
			return nil, fmt.Errorf("paramgen: gen.%s.%s: tag: %w", structName, fl.Names[0].Name, err)
		}
		name, _, _ := strings.Cut(reflect.StructTag(tag).Get("form"), ",")
		if name == "" {
			return nil, fmt.Errorf("paramgen: gen.%s.%s has no form tag", structName, fl.Names[0].Name)
		}
		out = append(out, genField{name: name, field: fl.Names[0].Name, goType: types.ExprString(fl.Type)})
	}
	return out, nil
}

// specParam is what the spec says about one query parameter.
type specParam struct {
	typ, desc string
	enum      []string
	min, max  *float64
	maxItems  int
	array     bool
}

// readSpec reads the query parameters of GET /events.
func readSpec(data []byte) (map[string]specParam, error) {
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("paramgen: parse the spec: %w", err)
	}
	item := doc.Paths.Find("/events")
	if item == nil || item.Get == nil {
		return nil, fmt.Errorf("paramgen: the spec has no GET /events")
	}
	out := map[string]specParam{}
	for _, ref := range item.Get.Parameters {
		p := ref.Value
		if p == nil || p.In != openapi3.ParameterInQuery {
			continue
		}
		sp := specParam{desc: p.Description}
		if p.Schema != nil && p.Schema.Value != nil {
			s := p.Schema.Value
			sp.min, sp.max = s.Min, s.Max
			if s.Type != nil && s.Type.Is(openapi3.TypeArray) {
				sp.array = true
				if s.MaxItems != nil {
					sp.maxItems = int(*s.MaxItems) //nolint:gosec // G115: an item limit from our own spec
				}
				if s.Items != nil && s.Items.Value != nil {
					s = s.Items.Value
				}
			}
			if s.Type != nil && len(s.Type.Slice()) == 1 {
				sp.typ = s.Type.Slice()[0]
			}
			for _, e := range s.Enum {
				sp.enum = append(sp.enum, fmt.Sprint(e))
			}
		}
		out[p.Name] = sp
	}
	return out, nil
}

// classify picks the Go type and kind of a parameter from gen's type and the spec.
func classify(fl genField, sp specParam) (param, error) {
	p := param{name: fl.name, field: fl.field, desc: sp.desc, enum: sp.enum, min: sp.min, max: sp.max, maxItems: sp.maxItems}
	t := strings.TrimPrefix(fl.goType, "*")
	bad := func() (param, error) {
		return param{}, fmt.Errorf("paramgen: no Go form for search parameter %s of type %s (spec type %q)", fl.name, fl.goType, sp.typ)
	}
	switch {
	case t == "int" || t == "int32" || t == "int64":
		if sp.min != nil && *sp.min >= 1 {
			p.kind, p.goType = kindInt, "int"
		} else {
			p.kind, p.goType = kindIntPtr, "*int"
		}
	case t == "float32" || t == "float64":
		p.kind, p.goType = kindFloat, "*float64"
	case t == "bool" && plainBools[fl.name]:
		p.kind, p.goType = kindBool, "bool"
	case t == "bool":
		p.kind, p.goType = kindTriBool, "*bool"
	case t == "time.Time":
		p.kind, p.goType = kindTime, "time.Time"
	case strings.HasPrefix(t, "[]"):
		p.elem = strings.TrimPrefix(t, "[]")
		if !sp.array || !token.IsIdentifier(p.elem) || (p.elem != "string" && sp.typ != openapi3.TypeString) {
			return bad()
		}
		p.kind, p.goType = kindSlice, t
	case t == "string" || (token.IsIdentifier(t) && sp.typ == openapi3.TypeString):
		p.kind, p.goType = kindString, t
	default:
		return bad()
	}
	if (p.min != nil || p.max != nil) && p.kind != kindInt && p.kind != kindIntPtr && p.kind != kindFloat {
		return param{}, fmt.Errorf("paramgen: search parameter %s has numeric bounds but is not a number", fl.name)
	}
	return p, nil
}

// number formats a bound as the spec writes it.
func number(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// comment writes text as a Go comment wrapped near width columns, with indent.
func comment(w *bytes.Buffer, indent, text string) {
	const width = 88
	line := ""
	flush := func() {
		fmt.Fprintf(w, "%s// %s\n", indent, line)
		line = ""
	}
	for _, para := range strings.Split(strings.TrimSpace(text), "\n") {
		words := strings.Fields(para)
		if len(words) == 0 {
			continue
		}
		for _, word := range words {
			if line != "" && len(indent)+3+len(line)+1+len(word) > width {
				flush()
			}
			if line != "" {
				line += " "
			}
			line += word
		}
		flush()
	}
}

func gofmt(b []byte) ([]byte, error) {
	src, err := format.Source(b)
	if err != nil {
		return nil, fmt.Errorf("paramgen: format output: %w\n%s", err, b)
	}
	return src, nil
}
