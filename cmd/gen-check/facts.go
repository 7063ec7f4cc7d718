package main

import (
	"bytes"
	"encoding/json"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// A wire fact is one thing that travels on the wire, keyed by where it
// travels, independent of component names and prose. Examples:
//
//	GET /events ?limit in=query maximum            -> 100
//	GET /events/{event_id} 200<application/json> .ip_info.v4.asn -> string
//	GET /events/{event_id} 200<application/json> .bot_info.category ="ai_agent" -> value
//
// Two descriptions describe the same API when their fact sets are equal.
type fact struct {
	kind  string // operation, parameter, request body, response, property, enum value, server, security
	value string
	at    loc // where api/openapi.yaml states it; not part of the comparison
}

// loc is the part of a description that states a fact: the innermost component it was
// reached through ("components/schemas/Event"), or, outside components, the operation
// or inline parameter ("paths./events.get.parameters[limit]"). entry is the wire path
// at which that part was entered, so key[len(entry):] is the fact relative to it.
type loc struct {
	part, entry string
}

type facts map[string]fact

// maxDepth bounds schema recursion; real payloads nest far less.
const maxDepth = 40

// wireFacts flattens an OpenAPI document into its wire facts.
func wireFacts(doc *openapi3.T) facts {
	f := facts{}
	for _, s := range doc.Servers {
		f["server "+strings.TrimRight(s.URL, "/")] = fact{"server", "server", loc{"servers", ""}}
	}
	if doc.Components != nil {
		for _, ref := range doc.Components.SecuritySchemes {
			if s := ref.Value; s != nil {
				f["security "+s.Type+" "+strings.ToLower(s.Scheme)] = fact{"security", "security", loc{"components/securitySchemes", ""}}
			}
		}
	}
	if doc.Paths != nil {
		for path, item := range doc.Paths.Map() {
			for method, op := range item.Operations() {
				f.operation(method+" "+path, "paths."+path+"."+strings.ToLower(method), item.Parameters, op)
			}
		}
	}
	for name, item := range doc.Webhooks {
		for method, op := range item.Operations() {
			f.operation(method+" webhook:"+name, "webhooks."+name+"."+strings.ToLower(method), item.Parameters, op)
		}
	}
	return f
}

func (f facts) add(key, kind, value string, at loc) { f[key] = fact{kind, value, at} }

// component names the part a $ref of the given component kind ("schemas",
// "parameters", ...) points at, or returns inline when there is no $ref.
func component(ref, kind string, inline loc) loc {
	if ref == "" {
		return inline
	}
	return loc{refPart(ref, kind), inline.entry}
}

// refPart names the part of a description a $ref points at, the same whether the
// description is one file ("#/components/schemas/Event") or split into files as the
// vendor's repository is ("components/schemas/Event.yaml", "../schemas/Event.yaml",
// "common.yaml#/components/schemas/Event"): a file holding one component is named by
// the kind of its $ref and its base name. So both forms give one report.
func refPart(ref, kind string) string {
	file, frag, hasFrag := strings.Cut(ref, "#")
	if hasFrag {
		frag = strings.TrimPrefix(frag, "/")
		if file == "" || strings.HasPrefix(frag, "components/") {
			return frag
		}
		return file + "#" + frag
	}
	base := path.Base(file)
	return "components/" + kind + "/" + strings.TrimSuffix(base, path.Ext(base))
}

// operation records the facts of one operation; where is its place in the document
// ("paths./events.get"), which locates facts stated inline.
func (f facts) operation(key, where string, pathParams openapi3.Parameters, op *openapi3.Operation) {
	opLoc := loc{where, key}
	f.add(key, "operation", "operation", opLoc)
	if op.Deprecated {
		f.add(key+" deprecated", "operation", "deprecated", opLoc)
	}

	// Operation-level parameters override path-level ones with the same name and location.
	params := map[string]*openapi3.ParameterRef{}
	for _, list := range []openapi3.Parameters{pathParams, op.Parameters} {
		for _, ref := range list {
			if p := ref.Value; p != nil {
				params[p.In+" "+p.Name] = ref
			}
		}
	}
	for _, ref := range params {
		p := ref.Value
		pk := key + " ?" + p.Name + " in=" + p.In
		at := component(ref.Ref, "parameters", loc{where + ".parameters[" + p.Name + "]", pk})
		f.add(pk+" presence", "parameter", presence(p.Required), at)
		if sm, err := p.SerializationMethod(); err == nil {
			f.add(pk+" serialization", "parameter", sm.Style+" explode="+strconv.FormatBool(sm.Explode), at)
		}
		f.schema(p.Schema, pk, "parameter", nil, at)
	}

	if op.RequestBody != nil && op.RequestBody.Value != nil {
		rb := op.RequestBody.Value
		at := component(op.RequestBody.Ref, "requestBodies", loc{where + ".requestBody", key + " body"})
		f.add(key+" body", "request body", presence(rb.Required), at)
		for ct, media := range rb.Content {
			f.schema(media.Schema, key+" body<"+ct+">", "property", nil, at)
		}
	}

	if op.Responses != nil {
		for code, ref := range op.Responses.Map() {
			rk := key + " " + code
			at := component(ref.Ref, "responses", loc{where + ".responses." + code, rk})
			f.add(rk, "response", "response", at)
			resp := ref.Value
			if resp == nil {
				continue
			}
			// A deprecated status still arrives, but clients should stop relying on it:
			// a change a maintainer must carry over (docs, retry rules).
			if resp.Extensions["x-deprecated-response"] == true {
				f.add(rk+" deprecated", "response", "deprecated", at)
			}
			for name, h := range resp.Headers {
				if h.Value == nil {
					continue
				}
				hk := rk + " header " + strings.ToLower(name)
				hat := component(h.Ref, "headers", loc{at.part, at.entry})
				if h.Ref != "" {
					hat.entry = hk
				}
				f.add(hk, "response", presence(h.Value.Required), hat)
				f.schema(h.Value.Schema, hk, "response", nil, hat)
			}
			for ct, media := range resp.Content {
				f.schema(media.Schema, rk+"<"+ct+">", "property", nil, at)
			}
		}
	}
}

func presence(required bool) string {
	if required {
		return "required"
	}
	return "optional"
}

// schema records the facts of one schema at a wire path. $refs are already
// resolved by kin-openapi (including OpenAPI 3.1 keywords beside a $ref);
// stack holds the refs on the way down, so recursive schemas terminate.
func (f facts) schema(ref *openapi3.SchemaRef, prefix, kind string, stack []string, at loc) {
	if ref == nil || ref.Value == nil || len(stack) > maxDepth {
		return
	}
	if ref.Ref != "" {
		part := refPart(ref.Ref, "schemas") // one name for a schema, however a file refers to it
		if slices.Contains(stack, part) {
			f.add(prefix+" <cycle>", kind, "cycle", at)
			return
		}
		stack = append(stack[:len(stack):len(stack)], part)
		at = loc{part, prefix}
	}
	s := ref.Value

	for _, list := range []openapi3.SchemaRefs{s.AllOf, s.OneOf, s.AnyOf} {
		for _, sub := range list {
			f.schema(sub, prefix, kind, stack, at)
		}
	}

	if t := schemaType(s); t != "" {
		if prev, ok := f[prefix]; ok && prev.value != t {
			t = unionTypes(prev.value, t)
		}
		f.add(prefix, kind, t, at)
	}
	enumKind := "enum value"
	if kind == "parameter" {
		enumKind = kind
	}
	if s.Const != nil {
		f.add(prefix+" ="+jsonText(s.Const), enumKind, "value", at)
	}
	for _, v := range s.Enum {
		f.add(prefix+" ="+jsonText(v), enumKind, "value", at)
	}
	if s.Default != nil {
		f.add(prefix+" default", kind, jsonText(s.Default), at)
	}
	bound := func(name string, v *float64) {
		if v != nil {
			f.add(prefix+" "+name, kind, strconv.FormatFloat(*v, 'g', -1, 64), at)
		}
	}
	bound("minimum", s.Min)
	bound("maximum", s.Max)
	bound("exclusiveMinimum", s.ExclusiveMin.Value)
	bound("exclusiveMaximum", s.ExclusiveMax.Value)
	count := func(name string, v uint64, set bool) {
		if set {
			f.add(prefix+" "+name, kind, strconv.FormatUint(v, 10), at)
		}
	}
	count("minItems", s.MinItems, s.MinItems > 0)
	count("maxItems", derefUint(s.MaxItems), s.MaxItems != nil)
	count("minLength", s.MinLength, s.MinLength > 0)
	count("maxLength", derefUint(s.MaxLength), s.MaxLength != nil)
	count("minProperties", s.MinProps, s.MinProps > 0)
	count("maxProperties", derefUint(s.MaxProps), s.MaxProps != nil)
	if s.Pattern != "" {
		f.add(prefix+" pattern", kind, s.Pattern, at)
	}

	for _, name := range s.Required {
		f.add(prefix+"."+name+" required", kind, "required", at)
	}
	for name, sub := range s.Properties {
		f.schema(sub, prefix+"."+name, kind, stack, at)
	}
	if s.Items != nil {
		f.schema(s.Items, prefix+"[]", kind, stack, at)
	}
	if ap := s.AdditionalProperties; ap.Schema != nil {
		f.schema(ap.Schema, prefix+"{}", kind, stack, at)
	} else if ap.Has != nil && !*ap.Has {
		f.add(prefix+" additionalProperties", kind, "false", at)
	}
}

// schemaType renders type and format, e.g. "integer/int64" or "null|string".
func schemaType(s *openapi3.Schema) string {
	if s.Type == nil || len(s.Type.Slice()) == 0 {
		return ""
	}
	types := slices.Clone(s.Type.Slice())
	if s.Nullable && !slices.Contains(types, "null") {
		types = append(types, "null")
	}
	sort.Strings(types)
	t := strings.Join(types, "|")
	if s.Format != "" {
		t += "/" + s.Format
	}
	return t
}

// unionTypes merges type descriptions met through allOf/oneOf/anyOf.
func unionTypes(a, b string) string {
	set := map[string]bool{}
	for _, part := range strings.Split(a+"|"+b, "|") {
		set[part] = true
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, "|")
}

// jsonText renders a value as compact JSON without HTML escaping, so an
// enum value like "<p95" reads as written in the spec.
func jsonText(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "<unencodable>"
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func derefUint(p *uint64) uint64 {
	if p == nil {
		return 0
	}
	return *p
}
