package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/fpgo/fingerprint-go/fingerprint"
)

// defaultFields are the csv and table columns when --fields is not given.
var defaultFields = []string{"timestamp", "event_id", "identification.visitor_id", "ip_address", "bot", "suspect_score", "url"}

// field is a dotted path into the event JSON, such as ip_info.v4.asn or tags.order_id.
type field struct {
	path  string
	parts []string
}

// parseFields splits --fields and checks every path against the Event type. A name the
// Event type does not declare is accepted, since the server may send fields newer than
// this fpctl (a new signal, or a new member of a known object), but reported in notes, so
// a misspelt field is seen rather than silently an empty column. A path through a value
// that cannot have fields (event_id.x) is a usage error.
func parseFields(s string) (fields []field, notes []string, err error) {
	names := defaultFields
	if strings.TrimSpace(s) != "" {
		names = strings.Split(s, ",")
	}
	out := make([]field, 0, len(names))
	var unknown []string // full paths, each once: one note names them all
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" {
			return nil, nil, usagef("--fields: empty field name in %q", s)
		}
		parts := strings.Split(n, ".")
		if err := checkPath(reflect.TypeFor[fingerprint.Event](), parts); err != nil {
			var pe *pathError
			if !errors.As(err, &pe) || pe.known == nil {
				return nil, nil, usagef("--fields: %q: %v", n, err)
			}
			if !slices.Contains(unknown, n) {
				unknown = append(unknown, n)
			}
		}
		out = append(out, field{path: n, parts: parts})
	}
	switch len(unknown) {
	case 0:
	case 1:
		notes = append(notes, fmt.Sprintf("--fields: %s is not a field this fpctl knows; its column is empty unless the server sends it (a newer field)", unknown[0]))
	default:
		notes = append(notes, fmt.Sprintf("--fields: %s are not fields this fpctl knows; their columns are empty unless the server sends them (newer fields)", strings.Join(unknown, ", ")))
	}
	return out, notes, nil
}

// checkPath walks parts through t by JSON names: struct fields by tag, maps by any key,
// slices by index.
func checkPath(t reflect.Type, parts []string) error {
	for i, part := range parts {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		switch t.Kind() {
		case reflect.Struct:
			f, ok := jsonField(t, part)
			if !ok {
				return &pathError{path: strings.Join(parts[:i+1], "."), known: jsonNames(t)}
			}
			t = f.Type
		case reflect.Map:
			t = t.Elem()
		case reflect.Slice, reflect.Array:
			if _, err := strconv.Atoi(part); err != nil {
				return &pathError{path: strings.Join(parts[:i+1], "."), msg: "is a list: use a number"}
			}
			t = t.Elem()
		case reflect.Interface:
			return nil // free-form JSON (tags): anything below may exist
		default:
			return &pathError{path: strings.Join(parts[:i], "."), msg: "has no fields"}
		}
	}
	return nil
}

type pathError struct {
	path  string
	msg   string
	known []string
}

func (e *pathError) Error() string {
	if e.msg != "" {
		return e.path + " " + e.msg
	}
	return "no field " + e.path + " (known: " + strings.Join(e.known, ", ") + ")"
}

// jsonField finds the field JSON name maps to in t, in untagged embedded structs too
// (fingerprint.Event embeds gen.Event).
func jsonField(t reflect.Type, name string) (reflect.StructField, bool) {
	for _, f := range reflect.VisibleFields(t) {
		if !f.Anonymous && f.IsExported() && tagName(f) == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func jsonNames(t reflect.Type) []string {
	out := []string{}
	for _, f := range reflect.VisibleFields(t) {
		if n := tagName(f); !f.Anonymous && f.IsExported() && n != "" && n != "-" {
			out = append(out, n)
		}
	}
	return out
}

func tagName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	return name
}

// eventDoc is the event as generic JSON, for looking up dotted paths: the JSON the
// server sent, so fields newer than this fpctl are found too.
func eventDoc(ev *fingerprint.Event) (any, error) {
	b := ev.RawJSON()
	if b == nil {
		var err error
		if b, err = json.Marshal(ev); err != nil {
			return nil, err
		}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var doc any
	err := dec.Decode(&doc)
	return doc, err
}

// text returns the value at f in doc: strings as they are, numbers and booleans as JSON,
// objects and lists as compact JSON, and "" when absent. For humans, the top-level
// timestamp is shown as RFC 3339.
func (f field) text(doc any, human bool) string {
	v := doc
	for _, part := range f.parts {
		switch x := v.(type) {
		case map[string]any:
			v = x[part]
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(x) {
				return ""
			}
			v = x[i]
		default:
			return ""
		}
	}
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		if human && f.path == "timestamp" {
			if ms, err := x.Int64(); err == nil {
				return formatMillis(ms)
			}
		}
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	}
	b, _ := json.Marshal(v)
	return string(b)
}
