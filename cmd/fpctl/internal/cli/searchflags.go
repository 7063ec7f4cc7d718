package cli

import (
	"flag"
	"fmt"
	"math"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
)

// searchFlag is the flag of one field of fingerprint.SearchEventsParams. The flags are
// derived from the struct by reflection and named by the parameter list generated with
// it from api/openapi.yaml, so a parameter added to the spec gets its flag without code
// here.
type searchFlag struct {
	field string // Go field name: VisitorID
	param string // query parameter: visitor_id
	name  string // flag name: visitor-id
	value flag.Value
}

// searchFlags binds the flags of every field of p.
type searchFlags struct {
	p     *fingerprint.SearchEventsParams
	flags []*searchFlag
	spec  map[string]*paramSpec
}

var timeType = reflect.TypeFor[time.Time]()

// specByField returns the parameter that fills the given field.
func specByField(spec map[string]*paramSpec, field string) *paramSpec {
	for _, ps := range spec {
		if ps.Field == field {
			return ps
		}
	}
	return nil
}

// newSearchFlags registers one flag per field of p on fs. spec (from api/openapi.yaml)
// supplies each flag's help and the bounds its value is checked against.
func newSearchFlags(fs *flag.FlagSet, p *fingerprint.SearchEventsParams, spec map[string]*paramSpec) (*searchFlags, error) {
	sf := &searchFlags{p: p, spec: spec}
	v := reflect.ValueOf(p).Elem()
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		ps := specByField(spec, f.Name)
		if ps == nil {
			return nil, fmt.Errorf("SearchEventsParams.%s is not a search parameter of the spec (run make generate)", f.Name)
		}
		param := ps.Name
		val, err := newFieldValue(v.Field(i), ps)
		if err != nil {
			return nil, fmt.Errorf("SearchEventsParams.%s: %w", f.Name, err)
		}
		name := strings.ReplaceAll(param, "_", "-")
		help := ps.Description
		if help == "" {
			help = "the " + param + " search parameter"
		}
		if param == "limit" {
			// The CLI sends full pages, not the API's default of 10.
			help = fmt.Sprintf("Events per request, from 1 to 100 (default %d, the most the API serves).", pageSize)
		}
		if len(ps.Enum) > 0 {
			help += " One of: " + strings.Join(ps.Enum, ", ") + "."
		}
		if ps.Array && (ps.MaxItems == nil || *ps.MaxItems > 1) {
			help += " Repeat the flag for several values."
		}
		fs.Var(val, name, help)
		sf.flags = append(sf.flags, &searchFlag{field: f.Name, param: param, name: name, value: val})
	}
	return sf, nil
}

// newFieldValue returns the flag.Value that parses into field, by the field's kind:
// string kinds (enums included, whatever their type name), slices of them, *bool
// (tri-state), *float64, int, bool and time.Time.
func newFieldValue(field reflect.Value, ps *paramSpec) (flag.Value, error) {
	t := field.Type()
	switch {
	case t == timeType:
		return &timeValue{field: field, name: ps.Name}, nil
	case t.Kind() == reflect.String:
		return &stringValue{field: field, spec: ps}, nil
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String:
		return &sliceValue{field: field, spec: ps}, nil
	case t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Bool:
		return &triBoolValue{field: field}, nil
	case t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Float64:
		return &floatValue{field: field, spec: ps}, nil
	case t.Kind() == reflect.Int, t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Int:
		return &intValue{field: field, spec: ps}, nil
	case t.Kind() == reflect.Bool:
		return &boolValue{field: field}, nil
	}
	return nil, fmt.Errorf("no flag for fields of type %s", t)
}

// checkEnum and checkBounds enforce what the spec documents, so that a value the API
// would reject is a usage error before any request.
func checkEnum(ps *paramSpec, s string) error {
	if strings.TrimSpace(s) == "" {
		return fmt.Errorf("empty value")
	}
	if len(ps.Enum) > 0 && !slices.Contains(ps.Enum, s) {
		return fmt.Errorf("%q is not one of %s", s, strings.Join(ps.Enum, ", "))
	}
	return nil
}

func checkBounds(ps *paramSpec, x float64) error {
	if ps.Min != nil && x < *ps.Min || ps.Max != nil && x > *ps.Max {
		lo, hi := "-inf", "+inf"
		if ps.Min != nil {
			lo = strconv.FormatFloat(*ps.Min, 'f', -1, 64)
		}
		if ps.Max != nil {
			hi = strconv.FormatFloat(*ps.Max, 'f', -1, 64)
		}
		return fmt.Errorf("must be between %s and %s", lo, hi)
	}
	return nil
}

type stringValue struct {
	field reflect.Value
	spec  *paramSpec
}

func (v *stringValue) String() string {
	if !v.field.IsValid() {
		return ""
	}
	return v.field.String()
}

func (v *stringValue) Set(s string) error {
	if err := checkEnum(v.spec, s); err != nil {
		return err
	}
	v.field.SetString(s)
	return nil
}

type sliceValue struct {
	field reflect.Value
	spec  *paramSpec
}

func (v *sliceValue) String() string {
	if !v.field.IsValid() {
		return ""
	}
	parts := make([]string, v.field.Len())
	for i := range parts {
		parts[i] = v.field.Index(i).String()
	}
	return strings.Join(parts, ",")
}

func (v *sliceValue) Set(s string) error {
	if err := checkEnum(v.spec, s); err != nil {
		return err
	}
	if m := v.spec.MaxItems; m != nil && uint64(v.field.Len()) >= *m { //nolint:gosec // G115: a length is never negative
		return fmt.Errorf("takes at most %d value(s)", *m)
	}
	elem := reflect.ValueOf(s).Convert(v.field.Type().Elem())
	v.field.Set(reflect.Append(v.field, elem))
	return nil
}

type triBoolValue struct{ field reflect.Value }

func (v *triBoolValue) IsBoolFlag() bool { return true }

func (v *triBoolValue) String() string {
	if !v.field.IsValid() || v.field.IsNil() {
		return ""
	}
	return strconv.FormatBool(v.field.Elem().Bool())
}

func (v *triBoolValue) Set(s string) error {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return fmt.Errorf("want true or false")
	}
	p := reflect.New(v.field.Type().Elem())
	p.Elem().SetBool(b)
	v.field.Set(p)
	return nil
}

type boolValue struct{ field reflect.Value }

func (v *boolValue) IsBoolFlag() bool { return true }

func (v *boolValue) String() string {
	if !v.field.IsValid() {
		return ""
	}
	return strconv.FormatBool(v.field.Bool())
}

func (v *boolValue) Set(s string) error {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return fmt.Errorf("want true or false")
	}
	v.field.SetBool(b)
	return nil
}

type floatValue struct {
	field reflect.Value
	spec  *paramSpec
}

func (v *floatValue) String() string {
	if !v.field.IsValid() || v.field.IsNil() {
		return ""
	}
	return strconv.FormatFloat(v.field.Elem().Float(), 'f', -1, 64)
}

func (v *floatValue) Set(s string) error {
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return fmt.Errorf("want a finite number")
	}
	if err := checkBounds(v.spec, x); err != nil {
		return err
	}
	p := reflect.New(v.field.Type().Elem())
	p.Elem().SetFloat(x)
	v.field.Set(p)
	return nil
}

type intValue struct {
	field reflect.Value
	spec  *paramSpec
}

func (v *intValue) String() string {
	f := v.field
	if f.IsValid() && f.Kind() == reflect.Pointer {
		if f.IsNil() {
			return ""
		}
		f = f.Elem()
	}
	if !f.IsValid() {
		return ""
	}
	return strconv.FormatInt(f.Int(), 10)
}

// Set parses into an int field, or a *int one (a parameter where 0 is a value).
func (v *intValue) Set(s string) error {
	x, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("want an integer")
	}
	if err := checkBounds(v.spec, float64(x)); err != nil {
		return err
	}
	if v.field.Kind() == reflect.Pointer {
		p := reflect.New(v.field.Type().Elem())
		p.Elem().SetInt(x)
		v.field.Set(p)
		return nil
	}
	v.field.SetInt(x)
	return nil
}

// timeValue takes RFC 3339 or Unix milliseconds, as the API does.
type timeValue struct {
	field reflect.Value
	name  string
}

func (v *timeValue) String() string {
	if !v.field.IsValid() {
		return ""
	}
	t := v.field.Interface().(time.Time)
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func (v *timeValue) Set(s string) error {
	t, err := parseTime(s)
	if err != nil {
		return err
	}
	v.field.Set(reflect.ValueOf(t))
	return nil
}

func parseTime(s string) (time.Time, error) {
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		if ms < 0 {
			return time.Time{}, fmt.Errorf("negative Unix milliseconds")
		}
		return time.UnixMilli(ms).UTC(), nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("want RFC 3339 (2026-01-02T15:04:05Z) or Unix milliseconds")
	}
	return t, nil
}

// query renders the set flags except those in skip as a canonical, sorted query
// string, to recognise the same search in a --resume file.
func (sf *searchFlags) query(set map[string]bool, skip ...string) string {
	q := url.Values{}
	for _, f := range sf.flags {
		if !set[f.name] || slices.Contains(skip, f.param) {
			continue
		}
		q.Set(f.param, f.value.String())
	}
	return q.Encode()
}
