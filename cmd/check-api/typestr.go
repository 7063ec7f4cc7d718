package main

import (
	"go/types"
	"strconv"
	"strings"
)

// printer renders types as a user of package pkg writes them: names of pkg unqualified,
// others qualified by package name, and without parameter names, which callers never
// depend on (types.TypeString keeps them, so renaming a parameter would look like a change).
type printer struct {
	pkg *types.Package
}

func (p printer) typ(t types.Type) string {
	var b strings.Builder
	p.write(&b, t)
	return b.String()
}

func (p printer) write(b *strings.Builder, t types.Type) {
	switch t := t.(type) {
	case *types.Basic:
		b.WriteString(t.Name())
	case *types.Pointer:
		b.WriteByte('*')
		p.write(b, t.Elem())
	case *types.Slice:
		b.WriteString("[]")
		p.write(b, t.Elem())
	case *types.Array:
		b.WriteString("[" + strconv.FormatInt(t.Len(), 10) + "]")
		p.write(b, t.Elem())
	case *types.Map:
		b.WriteString("map[")
		p.write(b, t.Key())
		b.WriteByte(']')
		p.write(b, t.Elem())
	case *types.Chan:
		switch t.Dir() {
		case types.SendOnly:
			b.WriteString("chan<- ")
		case types.RecvOnly:
			b.WriteString("<-chan ")
		default:
			b.WriteString("chan ")
		}
		p.write(b, t.Elem())
	case *types.Signature:
		b.WriteString("func")
		p.signature(b, t)
	case *types.Struct:
		b.WriteString("struct{")
		for i := range t.NumFields() {
			if i > 0 {
				b.WriteString("; ")
			}
			f := t.Field(i)
			if !f.Embedded() {
				b.WriteString(f.Name() + " ")
			}
			p.write(b, f.Type())
		}
		b.WriteByte('}')
	case *types.Interface:
		p.iface(b, t)
	case *types.Union:
		for i := range t.Len() {
			if i > 0 {
				b.WriteString(" | ")
			}
			if t.Term(i).Tilde() {
				b.WriteByte('~')
			}
			p.write(b, t.Term(i).Type())
		}
	case *types.TypeParam:
		b.WriteString(t.Obj().Name())
	case *types.Alias:
		// An alias is the type it denotes: spelling a parameter fingerprint.Event instead
		// of gen.Event changes nothing for callers, so both print as the aliased type.
		p.write(b, types.Unalias(t))
	case *types.Named:
		p.name(b, t.Obj(), t.TypeArgs())
	case *types.Tuple:
		p.tuple(b, t, false)
	default:
		b.WriteString(types.TypeString(t, p.qualifier))
	}
}

func (p printer) qualifier(other *types.Package) string {
	if other == p.pkg {
		return ""
	}
	return other.Name()
}

func (p printer) name(b *strings.Builder, obj *types.TypeName, args *types.TypeList) {
	if obj.Pkg() != nil && obj.Pkg() != p.pkg {
		b.WriteString(obj.Pkg().Name() + ".")
	}
	b.WriteString(obj.Name())
	if args != nil && args.Len() > 0 {
		b.WriteByte('[')
		for i := range args.Len() {
			if i > 0 {
				b.WriteString(", ")
			}
			p.write(b, args.At(i))
		}
		b.WriteByte(']')
	}
}

func (p printer) iface(b *strings.Builder, t *types.Interface) {
	if t.Empty() {
		b.WriteString("any") // interface{} and any are the same type: one spelling
		return
	}
	b.WriteString("interface{")
	first := true
	sep := func() {
		if !first {
			b.WriteString("; ")
		}
		first = false
	}
	for i := range t.NumEmbeddeds() {
		sep()
		p.write(b, t.EmbeddedType(i))
	}
	for i := range t.NumExplicitMethods() {
		sep()
		m := t.ExplicitMethod(i)
		b.WriteString(m.Name())
		p.signature(b, m.Type().(*types.Signature))
	}
	b.WriteByte('}')
}

// signature writes "[TypeParams](Params) Results" without names.
func (p printer) signature(b *strings.Builder, sig *types.Signature) {
	p.typeParams(b, sig.TypeParams())
	p.tuple(b, sig.Params(), sig.Variadic())
	switch res := sig.Results(); res.Len() {
	case 0:
	case 1:
		b.WriteByte(' ')
		p.write(b, res.At(0).Type())
	default:
		b.WriteByte(' ')
		p.tuple(b, res, false)
	}
}

func (p printer) tuple(b *strings.Builder, t *types.Tuple, variadic bool) {
	b.WriteByte('(')
	for i := range t.Len() {
		if i > 0 {
			b.WriteString(", ")
		}
		typ := t.At(i).Type()
		if variadic && i == t.Len()-1 {
			b.WriteString("...")
			if s, ok := typ.(*types.Slice); ok {
				typ = s.Elem()
			}
		}
		p.write(b, typ)
	}
	b.WriteByte(')')
}

func (p printer) typeParams(b *strings.Builder, list *types.TypeParamList) {
	if list == nil || list.Len() == 0 {
		return
	}
	b.WriteByte('[')
	for i := range list.Len() {
		if i > 0 {
			b.WriteString(", ")
		}
		tp := list.At(i)
		b.WriteString(tp.Obj().Name() + " ")
		p.write(b, tp.Constraint())
	}
	b.WriteByte(']')
}

// typeParamsString is typeParams as a string, "" when there are none.
func (p printer) typeParamsString(list *types.TypeParamList) string {
	var b strings.Builder
	p.typeParams(&b, list)
	return b.String()
}
