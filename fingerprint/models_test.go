package fingerprint

import (
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"strings"
	"testing"

	"github.com/fpgo/fingerprint-go/gen"
)

// genPlumbing are exported names of gen that are request machinery, not API models; the
// fingerprint package deliberately does not re-export them.
var genPlumbing = map[string]bool{
	"GetEventParams": true, "SearchEventsParams": true, // replaced by GetEventOptions / SearchEventsParams
}

func isGenPlumbing(name string) bool {
	return genPlumbing[name] || strings.HasSuffix(name, "Response") && name != "ErrorResponse" && name != "EdgeResponse" ||
		strings.HasSuffix(name, "JSONRequestBody")
}

// TestModelsAliasEveryGeneratedType fails when gen gains a model type or enum value that
// package fingerprint does not re-export (models.gen.go, search_params.gen.go).
func TestModelsAliasEveryGeneratedType(t *testing.T) {
	t.Parallel()
	genFile, err := parser.ParseFile(token.NewFileSet(), "../gen/fingerprint.gen.go", nil, 0)
	if err != nil {
		t.Skipf("cannot read ../gen/fingerprint.gen.go: %v", err)
	}
	ours := map[string]string{} // name -> gen name it aliases
	for _, file := range []string{"models.gen.go", "search_params.gen.go"} {
		f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok {
				continue
			}
			for _, spec := range gd.Specs {
				switch s := spec.(type) {
				case *ast.TypeSpec:
					ours[s.Name.Name] = genSelector(s.Type)
				case *ast.ValueSpec:
					for i, n := range s.Names {
						if i < len(s.Values) {
							ours[n.Name] = genSelector(s.Values[i])
						}
					}
				}
			}
		}
	}
	for _, decl := range genFile.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || (gd.Tok != token.TYPE && gd.Tok != token.CONST) {
			continue
		}
		for _, spec := range gd.Specs {
			var names []string
			switch s := spec.(type) {
			case *ast.TypeSpec:
				// Aliases of plain types (VPN = bool) name one field's type; only Tags,
				// which users spell, is re-exported.
				if !s.Assign.IsValid() || s.Name.Name == "Tags" {
					names = append(names, s.Name.Name)
				}
			case *ast.ValueSpec:
				for _, n := range s.Names {
					names = append(names, n.Name)
				}
			}
			for _, name := range names {
				if !ast.IsExported(name) || isGenPlumbing(name) {
					continue
				}
				if name == "Event" || name == "EventSearch" {
					continue // defined types that keep the server's JSON (event.go), checked by TestEventEmbedsGenerated
				}
				if got, ok := ours[name]; !ok || got != name {
					t.Errorf("gen.%s is not re-exported as fingerprint.%s = gen.%s", name, name, name)
				}
			}
		}
	}
}

// genSelector returns X for an expression gen.X, or "".
func genSelector(e ast.Expr) string {
	if sel, ok := e.(*ast.SelectorExpr); ok {
		if id, ok := sel.X.(*ast.Ident); ok && id.Name == "gen" {
			return sel.Sel.Name
		}
	}
	return ""
}

// TestModelAliasesAreDescribed fails when an alias in models.gen.go carries only the
// generated "X is [gen.X]." line: a reader of `go doc fingerprint.X` then learns
// nothing. The fix is a description of the schema in api/openapi.yaml, then `make generate`.
func TestModelAliasesAreDescribed(t *testing.T) {
	t.Parallel()
	f, err := parser.ParseFile(token.NewFileSet(), "models.gen.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	aliases := 0
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.TYPE {
			continue
		}
		for _, spec := range gd.Specs {
			ts := spec.(*ast.TypeSpec)
			aliases++
			doc := ts.Doc
			if doc == nil {
				doc = gd.Doc // one type per declaration, so that its values are listed under it
			}
			if undescribed(ts.Name.Name, doc) {
				t.Errorf("fingerprint.%s has no description: add one to its schema in api/openapi.yaml and run make generate", ts.Name.Name)
			}
		}
	}
	if aliases < 50 {
		t.Fatalf("found only %d aliases in models.gen.go; the test no longer reads the file it should", aliases)
	}
}

// undescribed reports whether doc says nothing beyond its generated first line,
// "Name is [gen.Name]." (or "...; its fields are documented there.").
func undescribed(name string, doc *ast.CommentGroup) bool {
	if doc == nil {
		return true
	}
	first, rest, _ := strings.Cut(strings.TrimSpace(doc.Text()), "\n")
	if !strings.HasPrefix(first, name+" is [gen."+name+"]") {
		rest = first + " " + rest
	}
	return len(strings.Fields(rest)) < 3
}

func TestUndescribed(t *testing.T) {
	t.Parallel()
	parse := func(src string) *ast.CommentGroup {
		f, err := parser.ParseFile(token.NewFileSet(), "x.go", "package p\n"+src+"\ntype X int\n", parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		return f.Decls[0].(*ast.GenDecl).Doc
	}
	if !undescribed("X", parse("// X is [gen.X].")) {
		t.Error("a bare alias line counts as a description")
	}
	if !undescribed("X", nil) {
		t.Error("a missing comment counts as a description")
	}
	if undescribed("X", parse("// X is [gen.X]; its fields are documented there.\n// Where the event came from.")) {
		t.Error("a real description is not recognised")
	}
}

// TestEventEmbedsGenerated: Event and EventSearch are defined in event.go, not aliased;
// they must still carry every generated field, so a field added to the spec reaches them.
func TestEventEmbedsGenerated(t *testing.T) {
	t.Parallel()
	f, ok := reflect.TypeFor[Event]().FieldByName("Event")
	if !ok || !f.Anonymous || f.Type != reflect.TypeFor[gen.Event]() {
		t.Errorf("Event does not embed gen.Event: %+v", f)
	}
	ours, theirs := reflect.TypeFor[EventSearch](), reflect.TypeFor[gen.EventSearch]()
	if ours.NumField() != theirs.NumField() {
		t.Fatalf("EventSearch has %d fields, gen.EventSearch %d", ours.NumField(), theirs.NumField())
	}
	for i := range theirs.NumField() {
		g, o := theirs.Field(i), ours.Field(i)
		if g.Name != o.Name || g.Tag != o.Tag {
			t.Errorf("EventSearch field %d: %s %q, gen has %s %q", i, o.Name, o.Tag, g.Name, g.Tag)
		}
	}
}
