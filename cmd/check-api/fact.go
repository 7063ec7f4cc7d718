package main

import (
	"fmt"
	"strings"
)

// Fact kinds. One exported fact is one line of a baseline file.
const (
	kindConst  = "const"  // const Name Type = Value
	kindVar    = "var"    // var Name Type
	kindFunc   = "func"   // func Name[TypeParams](Params) Results
	kindType   = "type"   // type Name[TypeParams] Kind, e.g. "struct", "interface", "string", "= gen.Event"
	kindField  = "field"  // type Owner struct, Name Type   (or: type Owner struct, embedded Type)
	kindMethod = "method" // method (Recv) Name(Params) Results   (or, on an interface: type Owner interface, Name(Params) Results)
	kindSealed = "sealed" // type Owner interface, unexported methods
)

// fact is one exported fact of a package. Its key (kind, owner, name) identifies the
// API element; value is what may change about it. The line format follows the Go
// project's api/*.txt files, without their "pkg P, " prefix (each file is one package).
type fact struct {
	kind     string
	owner    string // type name for fields and methods
	name     string
	value    string // type, signature, kind, or "Type = value" for a constant
	recv     string // methods of non-interface types: "T" or "*T" (type parameters included)
	iface    bool   // methods of interface types
	embedded bool   // embedded struct fields (name is the embedded type's name)
	tparams  string // members of generic types: the owner's type parameters, e.g. "[T any]"
}

// key identifies the API element independently of its value, so a removed and an added
// line of the same element pair up as one change.
func (f fact) key() string {
	switch f.kind {
	case kindField, kindMethod:
		return f.kind + " " + f.owner + "." + f.name
	case kindSealed:
		return f.kind + " " + f.owner
	}
	return f.kind + " " + f.name
}

// display names the element for a report line, qualified by the package name, e.g.
// "gen.BotInfo.Name" (a field) or "const gen.BotInfoCategoryAggregator".
func (f fact) display(pkg string) string {
	switch f.kind {
	case kindField:
		return pkg + "." + f.owner + "." + f.name
	case kindMethod:
		return "method " + pkg + "." + f.owner + "." + f.name
	case kindSealed:
		return "interface " + pkg + "." + f.owner + " (unexported methods)"
	}
	return f.kind + " " + pkg + "." + f.name
}

// line renders the fact as one baseline line.
func (f fact) line() string {
	switch f.kind {
	case kindConst, kindVar:
		return f.kind + " " + f.name + " " + f.value
	case kindFunc:
		return "func " + f.name + f.value
	case kindType:
		if strings.HasPrefix(f.value, "[") {
			return "type " + f.name + f.value
		}
		return "type " + f.name + " " + f.value
	case kindField:
		if f.embedded {
			return "type " + f.owner + f.tparams + " struct, embedded " + f.value
		}
		return "type " + f.owner + f.tparams + " struct, " + f.name + " " + f.value
	case kindMethod:
		if f.iface {
			return "type " + f.owner + f.tparams + " interface, " + f.name + f.value
		}
		return "method (" + f.recv + ") " + f.name + f.value
	case kindSealed:
		return "type " + f.owner + f.tparams + " interface, unexported methods"
	}
	panic("unknown fact kind " + f.kind)
}

// shown is the value as a report shows it: methods of named types carry their receiver.
func (f fact) shown() string {
	if f.kind == kindMethod && !f.iface {
		return "(" + f.recv + ") " + f.name + f.value
	}
	return f.value
}

// parseLine is the inverse of fact.line.
func parseLine(s string) (fact, error) {
	bad := func(why string) (fact, error) { return fact{}, fmt.Errorf("%q: %s", s, why) }
	kind, rest, ok := strings.Cut(s, " ")
	if !ok {
		return bad("no kind")
	}
	switch kind {
	case kindConst, kindVar:
		name, value, ok := strings.Cut(rest, " ")
		if !ok || !isIdent(name) || value == "" {
			return bad("want " + kind + " Name Value")
		}
		return fact{kind: kind, name: name, value: value}, nil
	case kindFunc:
		name, value := splitIdent(rest)
		if name == "" || (!strings.HasPrefix(value, "(") && !strings.HasPrefix(value, "[")) {
			return bad("want func Name(...)")
		}
		return fact{kind: kind, name: name, value: value}, nil
	case kindMethod:
		if !strings.HasPrefix(rest, "(") {
			return bad("want method (Recv) Name(...)")
		}
		end := matching(rest, 0)
		if end < 0 || end+2 > len(rest) || rest[end+1] != ' ' {
			return bad("unbalanced receiver")
		}
		recv := rest[1:end]
		name, value := splitIdent(rest[end+2:])
		if name == "" || !strings.HasPrefix(value, "(") {
			return bad("want method (Recv) Name(...)")
		}
		owner, _ := splitIdent(strings.TrimPrefix(recv, "*"))
		return fact{kind: kind, owner: owner, name: name, value: value, recv: recv}, nil
	case kindType:
		name, after := splitIdent(rest)
		if name == "" {
			return bad("want type Name Kind")
		}
		typeParams := ""
		if strings.HasPrefix(after, "[") {
			end := matching(after, 0)
			if end < 0 {
				return bad("unbalanced type parameters")
			}
			typeParams, after = after[:end+1], after[end+1:]
		}
		owner := name
		if member, ok := strings.CutPrefix(after, " struct, "); ok {
			if typ, ok := strings.CutPrefix(member, "embedded "); ok {
				return fact{kind: kindField, owner: owner, tparams: typeParams, name: embeddedName(typ), value: typ, embedded: true}, nil
			}
			field, typ, ok := strings.Cut(member, " ")
			if !ok || !isIdent(field) {
				return bad("want type Owner struct, Field Type")
			}
			return fact{kind: kindField, owner: owner, tparams: typeParams, name: field, value: typ}, nil
		}
		if member, ok := strings.CutPrefix(after, " interface, "); ok {
			if member == "unexported methods" {
				return fact{kind: kindSealed, owner: owner, tparams: typeParams}, nil
			}
			m, sig := splitIdent(member)
			if m == "" || !strings.HasPrefix(sig, "(") {
				return bad("want type Owner interface, Method(...)")
			}
			return fact{kind: kindMethod, owner: owner, tparams: typeParams, name: m, value: sig, iface: true}, nil
		}
		value := strings.TrimPrefix(after, " ")
		if typeParams != "" {
			value = typeParams + after
		}
		if value == "" {
			return bad("want type Name Kind")
		}
		return fact{kind: kind, name: name, value: value}, nil
	}
	return bad("unknown kind " + kind)
}

// splitIdent splits s into its leading identifier and the rest.
func splitIdent(s string) (string, string) {
	i := 0
	for i < len(s) && (s[i] == '_' || s[i] >= '0' && s[i] <= '9' || s[i] >= 'a' && s[i] <= 'z' || s[i] >= 'A' && s[i] <= 'Z' || s[i] >= 0x80) {
		i++
	}
	return s[:i], s[i:]
}

func isIdent(s string) bool {
	id, rest := splitIdent(s)
	return id != "" && rest == ""
}

// matching returns the index of the bracket closing the one at s[open], or -1.
func matching(s string, open int) int {
	depth := 0
	for i := open; i < len(s); i++ {
		switch s[i] {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// embeddedName is the field name of an embedded field of type typ: "*gen.Event" -> "Event".
func embeddedName(typ string) string {
	typ = strings.TrimPrefix(typ, "*")
	if i := strings.IndexByte(typ, '['); i >= 0 {
		typ = typ[:i]
	}
	if i := strings.LastIndexByte(typ, '.'); i >= 0 {
		typ = typ[i+1:]
	}
	return typ
}
