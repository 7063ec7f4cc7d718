package fingerprint

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"testing"
)

// TestGenDocAliasClaims: every "fingerprint.X is gen.X" in gen's package comment names a
// type this package declares as an alias of gen.X. fingerprint.Event embeds gen.Event, so
// the comment once claimed an identity that go doc readers relied on and was false.
func TestGenDocAliasClaims(t *testing.T) {
	doc, err := os.ReadFile("../gen/doc.go")
	if err != nil {
		t.Fatal(err)
	}
	aliases := map[string]string{}
	pkgs, err := parser.ParseDir(token.NewFileSet(), ".", nil, parser.SkipObjectResolution) //nolint:staticcheck // one directory is all this needs
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range pkgs["fingerprint"].Files {
		ast.Inspect(f, func(n ast.Node) bool {
			if ts, ok := n.(*ast.TypeSpec); ok && ts.Assign.IsValid() {
				if sel, ok := ts.Type.(*ast.SelectorExpr); ok {
					if x, ok := sel.X.(*ast.Ident); ok && x.Name == "gen" {
						aliases[ts.Name.Name] = sel.Sel.Name
					}
				}
			}
			return true
		})
	}
	claims := regexp.MustCompile(`fingerprint\.(\w+) is gen\.(\w+)`).FindAllStringSubmatch(string(doc), -1)
	if len(claims) == 0 {
		t.Fatal("gen/doc.go names no alias: update this test with the comment")
	}
	for _, c := range claims {
		if aliases[c[1]] != c[2] {
			t.Errorf("gen/doc.go says %q, but fingerprint.%s is not an alias of gen.%s", c[0], c[1], c[2])
		}
	}
}
