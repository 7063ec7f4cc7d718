package fingerprint

import (
	"bytes"
	"encoding"
	"encoding/json"
	"reflect"
	"strings"
	"sync"

	"github.com/fpgo/fingerprint-go/gen"
)

var eventType = reflect.TypeFor[gen.Event]()

// mergeJSON appends to dst the JSON known (what encoding/json wrote for a value of type
// t) with the members of raw (what the server sent for it) that t does not declare, at
// every depth: objects of known struct types are merged member by member, lists element
// by element when both have the same length, maps key by key. Known values win, so
// changes made to the Go value are kept. Two more rules make an unmodified value
// round-trip exactly: a declared member that encoding/json omitted (omitempty) is
// written as the server sent it when that decodes to the omitted value (null for a
// pointer; null, false, 0, "", [] or {} otherwise), and a member without
// omitempty that the server did not send and that holds its zero value is left out.
// Types with their own MarshalJSON or MarshalText are taken as known wrote them.
//
// Both inputs are valid JSON (known comes from encoding/json, raw was decoded); on
// anything unexpected the known value is used.
func mergeJSON(dst, known, raw []byte, t reflect.Type) []byte {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if len(known) == 0 || len(raw) == 0 || opaque(t) {
		return append(dst, known...)
	}
	switch t.Kind() {
	case reflect.Struct:
		if known[0] == '{' && raw[0] == '{' {
			return mergeObject(dst, known, raw, structFieldsOf(t))
		}
	case reflect.Slice, reflect.Array:
		if known[0] == '[' && raw[0] == '[' {
			return mergeList(dst, known, raw, t.Elem())
		}
	case reflect.Map:
		if known[0] == '{' && raw[0] == '{' && t.Key().Kind() == reflect.String {
			return mergeObject(dst, known, raw, &structFields{elem: t.Elem()})
		}
	}
	return append(dst, known...)
}

func mergeObject(dst, known, raw []byte, sf *structFields) []byte {
	km := members(known, nil)
	rm := members(raw, nil)
	dst = append(dst, '{')
	n := 0
	sep := func() {
		if n > 0 {
			dst = append(dst, ',')
		}
		n++
	}
	for _, k := range km {
		rv, inRaw := findMember(rm, k.key)
		f, declared := sf.byName[string(k.key)]
		if !inRaw && declared && !f.omitEmpty && isZeroLiteral(k.val) {
			continue // the server did not send it; decoding left the zero value
		}
		sep()
		dst = append(dst, k.rawKey...)
		dst = append(dst, ':')
		if !inRaw {
			dst = append(dst, k.val...)
			continue
		}
		et := sf.elem
		if declared {
			et = f.typ
		}
		dst = mergeJSON(dst, k.val, rv, et)
	}
	if sf.byName != nil { // a map holds every key it decoded; a struct drops unknown ones
		for _, r := range rm {
			if name, ok := sf.declared(r.key); ok {
				// Declared: written above unless encoding/json omitted it as empty.
				if _, inKnown := findMember(km, []byte(name)); inKnown || string(r.key) != name || !sf.omitted(name, r.val) {
					continue
				}
			}
			sep()
			dst = append(dst, r.rawKey...)
			dst = append(dst, ':')
			dst = append(dst, r.val...)
		}
	}
	return append(dst, '}')
}

func mergeList(dst, known, raw []byte, elem reflect.Type) []byte {
	ke := elements(known, nil)
	re := elements(raw, nil)
	if len(ke) != len(re) {
		return append(dst, known...) // the list was changed: it is taken as it is now
	}
	dst = append(dst, '[')
	for i := range ke {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = mergeJSON(dst, ke[i], re[i], elem)
	}
	return append(dst, ']')
}

// omitted reports whether the server's value v of the declared member name decodes to
// what encoding/json omits, so that an unmodified value left it out: null for a pointer
// (any other value makes it non-nil), else an empty literal.
func (sf *structFields) omitted(name string, v []byte) bool {
	switch sf.byName[name].typ.Kind() {
	case reflect.Pointer, reflect.Interface:
		return string(v) == "null"
	}
	return isEmptyLiteral(v)
}

// structFields describes how encoding/json maps a struct's members; for a map, byName
// is nil and elem is the value type.
type structFields struct {
	byName map[string]fieldInfo
	names  []string
	elem   reflect.Type
}

type fieldInfo struct {
	typ       reflect.Type
	omitEmpty bool
}

// declared reports the declared name a raw (still escaped) key decodes to, matched as
// encoding/json matches it: exactly, else without regard to case.
func (sf *structFields) declared(rawKey []byte) (string, bool) {
	key := string(rawKey)
	if bytes.IndexByte(rawKey, '\\') >= 0 {
		if json.Unmarshal(append(append([]byte{'"'}, rawKey...), '"'), &key) != nil {
			return "", false
		}
	}
	if _, ok := sf.byName[key]; ok {
		return key, true
	}
	for _, n := range sf.names {
		if strings.EqualFold(n, key) {
			return n, true
		}
	}
	return "", false
}

var fieldCache sync.Map // reflect.Type -> *structFields

func structFieldsOf(t reflect.Type) *structFields {
	if sf, ok := fieldCache.Load(t); ok {
		return sf.(*structFields)
	}
	sf := &structFields{byName: map[string]fieldInfo{}}
	addFields(sf, t)
	fieldCache.Store(t, sf)
	return sf
}

// addFields adds t's JSON members, those of untagged embedded structs included.
func addFields(sf *structFields, t reflect.Type) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		ft := f.Type
		if f.Anonymous && name == "" {
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				addFields(sf, ft)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		sf.byName[name] = fieldInfo{typ: ft, omitEmpty: strings.Contains(","+opts+",", ",omitempty,")}
		sf.names = append(sf.names, name)
	}
}

var (
	marshalerType     = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

// opaque reports whether t encodes itself: its JSON is taken as known wrote it.
func opaque(t reflect.Type) bool {
	p := reflect.PointerTo(t)
	return t.Implements(marshalerType) || p.Implements(marshalerType) ||
		t.Implements(textMarshalerType) || p.Implements(textMarshalerType)
}

func isZeroLiteral(v []byte) bool {
	switch string(v) {
	case "null", "false", "0", `""`:
		return true
	}
	return false
}

// isEmptyLiteral reports whether v is a value encoding/json's omitempty leaves out (or
// decodes to such a value): null, false, a zero number, "", [] or {}.
func isEmptyLiteral(v []byte) bool {
	switch v[0] {
	case 'n', 'f':
		return true // null, false
	case '"':
		return len(v) == 2
	case '[', '{':
		return len(bytes.TrimSpace(v[1:len(v)-1])) == 0
	case 't':
		return false
	}
	var f float64
	return json.Unmarshal(v, &f) == nil && f == 0
}

// member is one member of a JSON object: its key as written (quotes included), the
// key without quotes (still escaped) and its value (trimmed).
type member struct {
	rawKey, key, val []byte
}

func findMember(ms []member, key []byte) ([]byte, bool) {
	for i := len(ms) - 1; i >= 0; i-- { // the last one wins, as in encoding/json
		if bytes.Equal(ms[i].key, key) {
			return ms[i].val, true
		}
	}
	return nil, false
}

// members splits the valid JSON object obj into its members.
func members(obj []byte, out []member) []member {
	i := skipSpace(obj, 1)
	for i < len(obj) && obj[i] == '"' {
		end := stringEnd(obj, i+1)
		if end < 0 {
			return out
		}
		m := member{rawKey: obj[i : end+1], key: obj[i+1 : end]}
		i = skipSpace(obj, end+1) + 1 // past ':'
		i = skipSpace(obj, i)
		j := valueEnd(obj, i)
		m.val = obj[i:j]
		out = append(out, m)
		i = skipSpace(obj, j)
		if i < len(obj) && obj[i] == ',' {
			i = skipSpace(obj, i+1)
		}
	}
	return out
}

// elements splits the valid JSON list arr into its elements.
func elements(arr []byte, out [][]byte) [][]byte {
	i := skipSpace(arr, 1)
	for i < len(arr) && arr[i] != ']' {
		j := valueEnd(arr, i)
		out = append(out, arr[i:j])
		i = skipSpace(arr, j)
		if i < len(arr) && arr[i] == ',' {
			i = skipSpace(arr, i+1)
		}
	}
	return out
}

// valueEnd returns the index just past the valid JSON value starting at data[i].
func valueEnd(data []byte, i int) int {
	switch data[i] {
	case '"':
		if end := stringEnd(data, i+1); end >= 0 {
			return end + 1
		}
		return len(data)
	case '{', '[':
		depth := 0
		for j := i; j < len(data); j++ {
			switch data[j] {
			case '"':
				end := stringEnd(data, j+1)
				if end < 0 {
					return len(data)
				}
				j = end
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1
				}
			}
		}
		return len(data)
	}
	j := i
	for j < len(data) && !jsonSpace[data[j]] && data[j] != ',' && data[j] != '}' && data[j] != ']' {
		j++
	}
	return j
}
