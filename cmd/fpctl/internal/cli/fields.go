package cli

import (
	"bytes"
	"encoding/json"
	"reflect"
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

// parseFields splits --fields and checks every path against the Event type, so a
// misspelt field is a usage error rather than an empty column.
func parseFields(s string) ([]field, error) {
	names := defaultFields
	if strings.TrimSpace(s) != "" {
		names = strings.Split(s, ",")
	}
	out := make([]field, 0, len(names))
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" {
			return nil, usagef("--fields: empty field name in %q", s)
		}
		parts := strings.Split(n, ".")
		if err := checkPath(reflect.TypeFor[fingerprint.Event](), parts); err != nil {
			return nil, usagef("--fields: %q: %v", n, err)
		}
		out = append(out, field{path: n, parts: parts})
	}
	return out, nil
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

func jsonField(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if tagName(f) == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func jsonNames(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		if n := tagName(t.Field(i)); n != "" && n != "-" {
			out = append(out, n)
		}
	}
	return out
}

func tagName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	return name
}

// eventDoc is the event as generic JSON, for looking up dotted paths.
func eventDoc(ev *fingerprint.Event) (any, error) {
	b, err := json.Marshal(ev)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var doc any
	err = dec.Decode(&doc)
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
