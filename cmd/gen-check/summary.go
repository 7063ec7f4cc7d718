package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// maxUsages bounds the "used by" list of one summary entry; an error component can be
// used by dozens of responses.
const maxUsages = 8

// summaryEntry is one part of api/openapi.yaml to edit, with the drift found in it.
type summaryEntry struct {
	part    string
	changes []string // one per fact relative to the part, however many wire paths repeat it
	seen    map[string]bool
}

// writeSummary prints the drift grouped by the part of our description that states it:
// one entry per component (schema, parameter, response, ...) or inline operation part,
// with where our description uses it. It follows the drift: lines, which stay as they are
// for scripts; it prints nothing when the descriptions are in sync.
func (r *driftReport) writeSummary(w io.Writer, oursName string) {
	if r.inSync() {
		return
	}
	entries := map[string]*summaryEntry{}
	add := func(at loc, key, class, kind, tail string) {
		e := entries[at.part]
		if e == nil {
			e = &summaryEntry{part: at.part, seen: map[string]bool{}}
			entries[at.part] = e
		}
		rel := relative(key, at.entry)
		// A fact repeated at several wire paths (an enum in a response and in a query
		// parameter) is one edit: the kind, which depends on the path, is not compared.
		if id := class + rel + tail; !e.seen[id] {
			e.seen[id] = true
			e.changes = append(e.changes, class+"["+kind+"] "+rel+tail)
		}
	}
	// A whole operation, request body or response that one side lacks is one edit: its
	// facts are counted under it, not charged to the components it shares with the rest
	// of the API (a new operation answering with the common error schema would otherwise
	// read as a change to that schema).
	upNew, upRoot := newParts(r.onlyUpstream, r.upstream, r.ours)
	oursNew, oursRoot := newParts(r.onlyOurs, r.ours, r.upstream)
	for _, k := range r.onlyUpstream {
		if root, ok := upRoot[k]; ok && root != k {
			continue
		}
		u := r.upstream[k]
		at, ok := r.ours.nearest(k)
		if !ok {
			at = u.at // nothing of it in ours yet: name the upstream's part
		}
		add(at, k, "only upstream ", u.kind, ": "+u.value+upNew[k].note("upstream"))
	}
	for _, k := range r.onlyOurs {
		if root, ok := oursRoot[k]; ok && root != k {
			continue
		}
		o := r.ours[k]
		add(o.at, k, "only ours     ", o.kind, ": "+o.value+oursNew[k].note("ours"))
	}
	for _, k := range r.differ {
		o, u := r.ours[k], r.upstream[k]
		add(o.at, k, "differs      ", o.kind, ": ours "+o.value+", upstream "+u.value)
	}

	usages := r.ours.usages()
	parts := make([]string, 0, len(entries))
	for p := range entries {
		parts = append(parts, p)
	}
	sort.Strings(parts)
	fmt.Fprintf(w, "summary: %d part(s) of %s to edit; each wire fact once, with where it is used:\n", len(parts), oursName)
	for _, p := range parts {
		e := entries[p]
		sort.Strings(e.changes)
		noun := "facts"
		if len(e.changes) == 1 {
			noun = "fact"
		}
		fmt.Fprintf(w, "  %s: %d %s changed; %s\n", p, len(e.changes), noun, usedBy(usages[p]))
		for _, c := range e.changes {
			fmt.Fprintln(w, "    "+c)
		}
	}
}

// newPart is an operation, request body or response that only one side has.
type newPart struct {
	facts int             // facts below it, itself excluded
	parts map[string]bool // components the side states them in
}

// note is appended to the new part's own line in the summary.
func (n *newPart) note(side string) string {
	if n == nil || n.facts == 0 {
		return ""
	}
	s := fmt.Sprintf(" (the whole part: %d facts below it", n.facts)
	if len(n.parts) > 0 {
		parts := make([]string, 0, len(n.parts))
		for p := range n.parts {
			parts = append(parts, p)
		}
		sort.Strings(parts)
		s += "; " + side + " states them in " + strings.Join(parts, ", ")
	}
	return s + ")"
}

// newParts finds, for each key in keys (facts side has and other lacks), the outermost
// operation, request body or response containing it that other lacks too. It returns
// those parts, keyed by their own key, and the part of each key that lies in one.
func newParts(keys []string, side, other facts) (map[string]*newPart, map[string]string) {
	parts, rootOf := map[string]*newPart{}, map[string]string{}
	for _, k := range keys {
		root, ok := newRoot(k, side, other)
		if !ok {
			continue
		}
		rootOf[k] = root
		p := parts[root]
		if p == nil {
			p = &newPart{parts: map[string]bool{}}
			parts[root] = p
		}
		if k == root {
			continue
		}
		p.facts++
		if at := side[k].at.part; strings.HasPrefix(at, "components/") {
			p.parts[at] = true
		}
	}
	return parts, rootOf
}

// newRoot returns the key of the operation ("POST /x"), request body ("POST /x body") or
// response ("GET /x 503") that key lies in, the outermost one side has and other lacks.
func newRoot(key string, side, other facts) (string, bool) {
	fields := strings.SplitN(key, " ", 4)
	if len(fields) < 2 {
		return "", false
	}
	op := fields[0] + " " + fields[1]
	candidates := []string{op}
	if len(fields) > 2 {
		next := fields[2]
		if i := strings.IndexByte(next, '<'); i >= 0 {
			next = next[:i] // "503<application/json>.error" -> "503"
		}
		candidates = append(candidates, op+" "+next)
	}
	for _, c := range candidates {
		f, ok := side[c]
		if !ok {
			continue
		}
		switch f.kind {
		case "operation", "response", "request body":
			if _, ok := other[c]; !ok {
				return c, true
			}
		}
	}
	return "", false
}

// relative renders key relative to the wire path where its part was entered; "(itself)"
// when the fact is about the part as a whole (its type, or the operation).
func relative(key, entry string) string {
	if entry == "" || !strings.HasPrefix(key, entry) {
		return key
	}
	rel := strings.TrimSpace(key[len(entry):])
	if rel == "" {
		return "(itself)"
	}
	return rel
}

// nearest returns the loc of the longest prefix of key (cut at a path separator) that
// our description has: where a fact only upstream has would be written in ours.
func (f facts) nearest(key string) (loc, bool) {
	for k := key; k != ""; {
		if ft, ok := f[k]; ok {
			return ft.at, true
		}
		switch {
		case strings.HasSuffix(k, "[]"), strings.HasSuffix(k, "{}"):
			k = k[:len(k)-2]
		default:
			i := strings.LastIndexAny(k, " .")
			if i < 0 {
				return loc{}, false
			}
			k = k[:i]
		}
	}
	return loc{}, false
}

// usages maps each part to the wire paths where our description enters it, as labels.
func (f facts) usages() map[string][]string {
	sets := map[string]map[string]bool{}
	for _, ft := range f {
		if ft.at.entry == "" {
			continue
		}
		if sets[ft.at.part] == nil {
			sets[ft.at.part] = map[string]bool{}
		}
		sets[ft.at.part][usageLabel(ft.at.entry)] = true
	}
	out := make(map[string][]string, len(sets))
	for part, set := range sets {
		for label := range set {
			out[part] = append(out[part], label)
		}
		sort.Strings(out[part])
	}
	return out
}

// usageLabel shortens a wire path for reading: the media type goes, the path inside
// the payload goes in parentheses, e.g.
// "GET /events 200<application/json>.events[]" -> "GET /events 200 (events[])".
func usageLabel(entry string) string {
	i := strings.IndexByte(entry, '<')
	if i < 0 {
		return entry
	}
	j := strings.IndexByte(entry[i:], '>')
	if j < 0 {
		return entry
	}
	head, rest := entry[:i], strings.TrimPrefix(entry[i+j+1:], ".")
	if rest == "" {
		return head
	}
	return head + " (" + rest + ")"
}

func usedBy(labels []string) string {
	switch {
	case len(labels) == 0:
		return "not used by any operation of ours"
	case len(labels) > maxUsages:
		return fmt.Sprintf("used by %d places: %s, and %d more", len(labels), strings.Join(labels[:maxUsages], ", "), len(labels)-maxUsages)
	}
	return "used by " + strings.Join(labels, ", ")
}
