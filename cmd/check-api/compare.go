package main

import (
	"fmt"
	"sort"
	"strings"
)

// change is one difference between the baseline and the current API of a package.
type change struct {
	what     string // the element, e.g. "gen.BotInfo.Name" or "const gen.BotInfoCategoryAggregator"
	how      string // e.g. "removed", "changed from string to *string", "added: *string"
	breaking bool
}

func (c change) String() string { return c.what + ": " + c.how }

// compareFacts classifies the differences between base and cur, the facts of package
// pkg (its name qualifies report lines). Removing or changing an element breaks users;
// adding one does not, with the exceptions of Go's compatibility rules that a listing
// alone hides: a method added to an interface users can implement breaks their
// implementations, and so does a new unexported method (which seals the interface).
// Adding a struct field is compatible, as in the Go 1 compatibility promise.
func compareFacts(pkg string, base, cur []fact) []change {
	baseBy, curBy := byKey(base), byKey(cur)
	removedTypes, addedTypes := map[string]int{}, map[string]int{}
	for k, f := range baseBy {
		if f.kind == kindType {
			if _, ok := curBy[k]; !ok {
				removedTypes[f.name] = 0
			}
		}
	}
	for k, f := range curBy {
		if f.kind == kindType {
			if _, ok := baseBy[k]; !ok {
				addedTypes[f.name] = 0
			}
		}
	}
	member := func(f fact) bool { return f.owner != "" }

	var out []change
	for k, b := range baseBy {
		c, ok := curBy[k]
		switch {
		case !ok && b.kind == kindType:
			// reported below, with the count of its members
		case !ok && member(b) && hasKey(removedTypes, b.owner):
			removedTypes[b.owner]++
		case !ok && b.kind == kindSealed:
			out = append(out, change{what: b.display(pkg), how: "removed: users may now implement the interface"})
		case !ok:
			out = append(out, change{what: b.display(pkg), how: "removed", breaking: true})
		case b.value == c.value && b.recv == c.recv:
			// unchanged
		case b.kind == kindMethod && b.value == c.value && b.recv == "*"+c.recv:
			out = append(out, change{what: b.display(pkg), how: "receiver changed from " + b.recv + " to " + c.recv + " (the method set of " + c.recv + " grew)"})
		default:
			out = append(out, change{what: b.display(pkg), how: "changed from " + b.shown() + " to " + c.shown(), breaking: true})
		}
	}
	for k, c := range curBy {
		if _, ok := baseBy[k]; ok {
			continue
		}
		switch {
		case c.kind == kindType:
			// reported below, with the count of its members
		case member(c) && hasKey(addedTypes, c.owner):
			addedTypes[c.owner]++
		case c.kind == kindMethod && c.iface && implementable(baseBy, c.owner):
			out = append(out, change{what: c.display(pkg), how: "added to an interface users may implement, which breaks their implementations: " + c.shown(), breaking: true})
		case c.kind == kindSealed:
			out = append(out, change{what: c.display(pkg), how: "added: implementations outside the package no longer compile", breaking: true})
		default:
			out = append(out, change{what: c.display(pkg), how: "added: " + c.shown()})
		}
	}
	for name, n := range removedTypes {
		t := baseBy[kindType+" "+name]
		out = append(out, change{what: t.display(pkg), how: "removed" + members(n), breaking: true})
	}
	for name, n := range addedTypes {
		t := curBy[kindType+" "+name]
		out = append(out, change{what: t.display(pkg), how: "added: " + t.value + members(n)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

func byKey(facts []fact) map[string]fact {
	m := make(map[string]fact, len(facts))
	for _, f := range facts {
		m[f.key()] = f
	}
	return m
}

func hasKey(m map[string]int, k string) bool {
	_, ok := m[k]
	return ok
}

// implementable reports whether the baseline has owner as an interface that packages
// other than its own can implement (no unexported methods).
func implementable(base map[string]fact, owner string) bool {
	t, ok := base[kindType+" "+owner]
	if !ok || !strings.HasSuffix(t.value, "interface") {
		return false
	}
	_, sealed := base[kindSealed+" "+owner]
	return !sealed
}

func members(n int) string {
	switch n {
	case 0:
		return ""
	case 1:
		return " (with its 1 field or method)"
	}
	return fmt.Sprintf(" (with its %d fields and methods)", n)
}
