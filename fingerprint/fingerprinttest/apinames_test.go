package fingerprinttest_test

import (
	"bytes"
	"go/ast"
	"go/doc"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"regexp"
	"strings"
	"testing"
)

// genName matches a qualified reference to package gen ("gen.Event").
var genName = regexp.MustCompile(`\bgen\.`)

// TestExportedAPISpeaksFingerprintTypes reads the package as go doc does (exported
// declarations and their docs, without test files) and fails on any mention of package
// gen: users import fingerprint, whose model types are aliases of gen's, so signatures
// and docs should name fingerprint.Event, not gen.Event.
func TestExportedAPISpeaksFingerprintTypes(t *testing.T) {
	fset := token.NewFileSet()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	pkg, err := doc.NewFromFiles(fset, files, "github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest")
	if err != nil {
		t.Fatal(err)
	}

	found := 0
	check := func(what, text string) {
		for _, line := range strings.Split(text, "\n") {
			if genName.MatchString(line) {
				t.Errorf("%s mentions package gen: %s", what, strings.TrimSpace(line))
				found++
			}
		}
	}
	decl := func(d ast.Decl) string {
		var b bytes.Buffer
		if err := printer.Fprint(&b, fset, d); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	values := func(vs []*doc.Value) {
		for _, v := range vs {
			check(strings.Join(v.Names, ", "), v.Doc+"\n"+decl(v.Decl))
		}
	}
	funcs := func(fs []*doc.Func) {
		for _, f := range fs {
			name := f.Name
			if f.Recv != "" {
				name = f.Recv + "." + name
			}
			check(name, f.Doc+"\n"+decl(f.Decl))
		}
	}

	check("package doc", pkg.Doc)
	values(pkg.Consts)
	values(pkg.Vars)
	funcs(pkg.Funcs)
	for _, typ := range pkg.Types {
		check(typ.Name, typ.Doc+"\n"+decl(typ.Decl))
		values(typ.Consts)
		values(typ.Vars)
		funcs(typ.Funcs)
		funcs(typ.Methods)
	}
	if len(pkg.Funcs)+len(pkg.Types) == 0 {
		t.Fatal("no exported declarations read; the test is not looking at the package")
	}
	t.Logf("%d mentions of package gen", found)
}
