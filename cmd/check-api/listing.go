package main

import (
	"fmt"
	"go/types"
	"path"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"
)

// apiPackage is the exported API of one package.
type apiPackage struct {
	errs  []string // compile errors: the listing may then be incomplete
	path  string   // import path
	rel   string   // path relative to the module root ("." for the root package)
	name  string   // package name, which qualifies report lines
	facts []fact   // sorted by line
}

// loadAPI lists the exported API of every public package of the module rooted at root.
// overlay (file path -> contents) replaces files, which tests use to see the API a
// regeneration would produce without writing into the repository.
//
// It first lists ./... by name only, then loads types for the public packages alone:
// the go command builds their export data (from the build cache when warm), never the
// commands', so the whole module loads in about a second.
func loadAPI(root string, overlay map[string][]byte) ([]apiPackage, error) {
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedModule, Dir: root, Overlay: overlay}
	all, err := packages.Load(cfg, "./...")
	if err != nil {
		return nil, err
	}
	if err := loadErrors(all); err != nil {
		return nil, err
	}
	var paths []string
	for _, p := range all {
		if isPublic(p) {
			paths = append(paths, p.PkgPath)
		}
	}
	if len(paths) == 0 {
		return nil, nil
	}
	// Export data first: the go command type-checks (and caches), which is fast. If a
	// package does not compile, load again from source (NeedSyntax), so it still yields
	// the declarations that type-check: the report then names the API change that broke
	// it, next to the compile errors.
	cfg.Mode |= packages.NeedTypes
	public, err := packages.Load(cfg, paths...)
	if err != nil {
		return nil, err
	}
	if broken := brokenPaths(public); len(broken) > 0 {
		cfg.Mode |= packages.NeedSyntax // only the broken ones: their deps still come from export data
		fromSource, err := packages.Load(cfg, broken...)
		if err != nil {
			return nil, err
		}
		byPath := map[string]*packages.Package{}
		for _, p := range fromSource {
			byPath[p.PkgPath] = p
		}
		for i, p := range public {
			if q, ok := byPath[p.PkgPath]; ok {
				public[i] = q
			}
		}
	}
	inModule := func(pkg *types.Package) bool { return false }
	if len(public) > 0 && public[0].Module != nil {
		mod := public[0].Module.Path
		inModule = func(pkg *types.Package) bool {
			return pkg.Path() == mod || strings.HasPrefix(pkg.Path(), mod+"/")
		}
	}
	listed := map[*types.Package]bool{}
	for _, p := range public {
		listed[p.Types] = true
	}
	// An alias of a type no other listing covers (one of an internal package) is listed
	// with that type's fields and methods, which users reach through the alias.
	expand := func(pkg *types.Package) bool { return inModule(pkg) && !listed[pkg] }

	out := make([]apiPackage, 0, len(public))
	for _, p := range public {
		rel := "."
		if p.Module != nil && p.PkgPath != p.Module.Path {
			rel = strings.TrimPrefix(p.PkgPath, p.Module.Path+"/")
		}
		out = append(out, apiPackage{path: p.PkgPath, rel: rel, name: p.Name, facts: listFacts(p.Types, expand), errs: compileErrors(p)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].rel < out[j].rel })
	return out, nil
}

func brokenPaths(pkgs []*packages.Package) []string {
	var out []string
	for _, p := range pkgs {
		if len(p.Errors) > 0 {
			out = append(out, p.PkgPath)
		}
	}
	return out
}

// compileErrors are p's parse and type errors; the go command's summary of the same
// errors is dropped when they are present.
func compileErrors(p *packages.Package) []string {
	var list, other []string
	for _, e := range p.Errors {
		if e.Kind == packages.ListError {
			list = append(list, e.Error())
		} else {
			other = append(other, e.Error())
		}
	}
	if len(other) > 0 {
		return other
	}
	return list
}

func loadErrors(pkgs []*packages.Package) error {
	var errs []string
	for _, p := range pkgs {
		for _, e := range p.Errors {
			errs = append(errs, e.Error())
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("loading packages:\n  %s", strings.Join(errs, "\n  "))
	}
	return nil
}

// isPublic reports whether users can import p: not a command, not internal.
func isPublic(p *packages.Package) bool {
	if p.Name == "main" {
		return false
	}
	for _, elem := range strings.Split(p.PkgPath, "/") {
		if elem == "internal" {
			return false
		}
	}
	return true
}

// listFacts returns the exported facts of pkg, sorted by line.
func listFacts(pkg *types.Package, expand func(*types.Package) bool) []fact {
	pr := printer{pkg: pkg}
	var facts []fact
	scope := pkg.Scope()
	for _, name := range scope.Names() {
		obj := scope.Lookup(name)
		if !obj.Exported() {
			continue
		}
		switch obj := obj.(type) {
		case *types.Const:
			facts = append(facts, fact{kind: kindConst, name: name, value: pr.typ(obj.Type()) + " = " + obj.Val().ExactString()})
		case *types.Var:
			facts = append(facts, fact{kind: kindVar, name: name, value: pr.typ(obj.Type())})
		case *types.Func:
			var b strings.Builder
			pr.signature(&b, obj.Type().(*types.Signature))
			facts = append(facts, fact{kind: kindFunc, name: name, value: b.String()})
		case *types.TypeName:
			facts = append(facts, typeFacts(pr, obj, expand)...)
		}
	}
	sort.Slice(facts, func(i, j int) bool { return facts[i].line() < facts[j].line() })
	return facts
}

// typeFacts lists a type, its exported fields (structs) and its exported methods.
func typeFacts(pr printer, obj *types.TypeName, expand func(*types.Package) bool) []fact {
	name := obj.Name()
	if alias, ok := obj.Type().(*types.Alias); ok {
		tparams := pr.typeParamsString(alias.TypeParams())
		value := "= " + pr.typ(alias.Rhs())
		if tparams != "" {
			value = tparams + " " + value
		}
		facts := []fact{{kind: kindType, name: name, value: value}}
		if named, ok := types.Unalias(alias).(*types.Named); ok && named.Obj().Pkg() != nil && expand(named.Obj().Pkg()) {
			facts = append(facts, memberFacts(pr, name, "", named)...)
		}
		return facts
	}
	named, ok := obj.Type().(*types.Named)
	if !ok {
		return nil
	}
	tparams := pr.typeParamsString(named.TypeParams())
	var kind string
	switch u := named.Underlying().(type) {
	case *types.Struct:
		kind = "struct"
	case *types.Interface:
		if u.IsMethodSet() {
			kind = "interface"
		} else {
			kind = pr.typ(u) // a constraint: its type set is the API
		}
	default:
		kind = pr.typ(u)
	}
	t := fact{kind: kindType, name: name, value: kind}
	if tparams != "" {
		t.value = tparams + " " + kind
	}
	return append([]fact{t}, memberFacts(pr, name, tparams, named)...)
}

// memberFacts lists the exported fields and methods users reach on a value of named,
// under the type name owner.
func memberFacts(pr printer, owner, tparams string, named *types.Named) []fact {
	var facts []fact
	switch u := named.Underlying().(type) {
	case *types.Struct:
		for i := range u.NumFields() {
			f := u.Field(i)
			if !f.Exported() {
				continue
			}
			facts = append(facts, fact{kind: kindField, owner: owner, tparams: tparams, name: f.Name(), value: pr.typ(f.Type()), embedded: f.Embedded()})
		}
	case *types.Interface:
		if !u.IsMethodSet() {
			return nil
		}
		sealed := false
		for i := range u.NumMethods() {
			m := u.Method(i)
			if !m.Exported() {
				sealed = true
				continue
			}
			var b strings.Builder
			pr.signature(&b, m.Type().(*types.Signature))
			facts = append(facts, fact{kind: kindMethod, owner: owner, tparams: tparams, name: m.Name(), value: b.String(), iface: true})
		}
		if sealed {
			facts = append(facts, fact{kind: kindSealed, owner: owner, tparams: tparams})
		}
		return facts
	}
	// Methods of *T include those of T and those promoted from embedded fields.
	recvArgs := typeParamNames(named.TypeParams())
	values := types.NewMethodSet(named)
	ptrs := types.NewMethodSet(types.NewPointer(named))
	for i := range ptrs.Len() {
		m := ptrs.At(i).Obj()
		if !m.Exported() {
			continue
		}
		recv := "*" + owner + recvArgs
		if values.Lookup(m.Pkg(), m.Name()) != nil {
			recv = owner + recvArgs
		}
		var b strings.Builder
		pr.signature(&b, m.Type().(*types.Signature))
		facts = append(facts, fact{kind: kindMethod, owner: owner, name: m.Name(), value: b.String(), recv: recv})
	}
	return facts
}

// typeParamNames renders "[K, V]" for a generic receiver, "" otherwise.
func typeParamNames(list *types.TypeParamList) string {
	if list == nil || list.Len() == 0 {
		return ""
	}
	names := make([]string, list.Len())
	for i := range names {
		names[i] = list.At(i).Obj().Name()
	}
	return "[" + strings.Join(names, ", ") + "]"
}

// baselineFile is where a package's listing lives under the baseline directory: its
// path relative to the module root, e.g. fingerprint/fingerprinttest.txt. The root
// package, if any, is _root.txt (the go command ignores directories starting with "_",
// so no package can collide with it).
func baselineFile(rel string) string {
	if rel == "." {
		return "_root.txt"
	}
	return path.Clean(rel) + ".txt"
}
