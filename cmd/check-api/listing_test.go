package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeModule writes a throwaway module (no dependencies, so the go command needs no
// network) and returns its root.
func writeModule(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	files["go.mod"] = "module example.com/m\n\ngo 1.25\n"
	for name, body := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// scratchModule has a public package, a new public subpackage, an internal package
// and a command, which covers discovery and every kind of fact.
var scratchModule = map[string]string{
	"lib/lib.go": `package lib

import (
	"context"

	"example.com/m/internal/impl"
)

const Max = 3
const Mode Kind = "fast"

type Kind string

var Default = &Client{}

type Client struct {
	Name    string
	Timeout *int
	hidden  int
	*Base
}

type Base struct{ ID string }

func (b *Base) Close() error { return nil }
func (c Client) String() string { return c.Name }
func (c *Client) Get(ctx context.Context, id string, opts ...Option) (map[string]any, error) {
	return nil, nil
}

type Option func(*Client)

type Doer interface {
	Do(ctx context.Context) error
}

type Sealed interface {
	Kind() Kind
	sealed()
}

type Widget = impl.Widget

func Map[K comparable, V any](m map[K]V, f func(k K) V) []V { return nil }

func unexported() {}
`,
	"lib/sub/sub.go":         "package sub\n\nfunc New() int { return 0 }\n",
	"internal/impl/impl.go":  "package impl\n\ntype Widget struct{ Size int }\n\nfunc (w Widget) Area() int { return w.Size }\n",
	"cmd/tool/main.go":       "package main\n\nfunc Exported() {}\n\nfunc main() {}\n",
	"lib/lib_test.go":        "package lib\n\nfunc TestOnly() {}\n",
	"lib/testdata/x/x.go":    "package x\n\nfunc Ignored() {}\n",
	"_scratch/ignored.go":    "package ignored\n\nfunc Ignored() {}\n",
	"lib/sub/doc_example.go": "package sub\n\n// Version is listed.\nconst Version = \"1.0\"\n",
}

func TestLoadAPIListsEveryPublicPackage(t *testing.T) {
	root := writeModule(t, copyMap(scratchModule))
	pkgs, err := loadAPI(root, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	for _, p := range pkgs {
		got.WriteString("== " + p.rel + " (" + p.name + ") -> " + baselineFile(p.rel) + "\n")
		for _, f := range p.facts {
			got.WriteString(f.line() + "\n")
		}
	}
	want := `== lib (lib) -> lib.txt
const Max untyped int = 3
const Mode Kind = "fast"
func Map[K comparable, V any](map[K]V, func(K) V) []V
method (*Base) Close() error
method (*Client) Get(context.Context, string, ...Option) (map[string]any, error)
method (Client) Close() error
method (Client) String() string
method (Widget) Area() int
type Base struct
type Base struct, ID string
type Client struct
type Client struct, Name string
type Client struct, Timeout *int
type Client struct, embedded *Base
type Doer interface
type Doer interface, Do(context.Context) error
type Kind string
type Option func(*Client)
type Sealed interface
type Sealed interface, Kind() Kind
type Sealed interface, unexported methods
type Widget = impl.Widget
type Widget struct, Size int
var Default *Client
== lib/sub (sub) -> lib/sub.txt
const Version untyped string = "1.0"
func New() int
`
	// Close is promoted from the embedded *Base, so it is in the method set of Client
	// values too. Widget aliases an internal type: its members are listed here.
	if got.String() != want {
		t.Errorf("got\n%s\nwant\n%s", got.String(), want)
	}
}

func TestWriteThenCheckRoundTrip(t *testing.T) {
	root := writeModule(t, copyMap(scratchModule))
	dir := filepath.Join(root, "api", "go")
	var out bytes.Buffer
	if code := check(options{root: root, write: true}, &out, &out); code != exitOK {
		t.Fatalf("write: exit %d\n%s", code, out.String())
	}
	// A stale file of a removed package disappears on -write.
	stale := filepath.Join(dir, "gone.txt")
	if err := os.WriteFile(stale, []byte("func F()\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if code := check(options{root: root}, &out, &out); code != exitBreaking || !strings.Contains(out.String(), "BREAKING package gone: removed") {
		t.Fatalf("a baseline package missing from the code: exit %d\n%s", code, out.String())
	}
	if code := check(options{root: root, write: true}, &out, &out); code != exitOK {
		t.Fatalf("write: exit %d\n%s", code, out.String())
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("-write kept %s", stale)
	}
	out.Reset()
	if code := check(options{root: root}, &out, &out); code != exitOK || !strings.Contains(out.String(), "matches") {
		t.Fatalf("check after write: exit %d\n%s", code, out.String())
	}

	// An added field passes (and -strict fails until the baseline records it); a
	// renamed parameter is no change at all.
	edited := copyMap(scratchModule)
	edited["lib/lib.go"] = strings.Replace(edited["lib/lib.go"], "\tName    string\n", "\tName    string\n\tRegion  string\n", 1)
	edited["lib/lib.go"] = strings.Replace(edited["lib/lib.go"], "Get(ctx context.Context, id string,", "Get(cx context.Context, eventID string,", 1)
	overlay := map[string][]byte{filepath.Join(root, "lib", "lib.go"): []byte(edited["lib/lib.go"])}
	out.Reset()
	if code := check(options{root: root, overlay: overlay}, &out, &out); code != exitOK {
		t.Fatalf("compatible edit: exit %d\n%s", code, out.String())
	}
	if !strings.Contains(out.String(), "added    lib.Client.Region: added: string\n") || strings.Contains(out.String(), "Get") {
		t.Errorf("compatible edit: want exactly the new field listed:\n%s", out.String())
	}
	out.Reset()
	if code := check(options{root: root, overlay: overlay, strict: true}, &out, &out); code != exitBreaking {
		t.Errorf("-strict with an unrecorded addition: exit %d\n%s", code, out.String())
	}

	// A new public package is discovered without configuration.
	overlay[filepath.Join(root, "lib", "extra", "extra.go")] = []byte("package extra\n\nfunc Hello() string { return \"\" }\n")
	out.Reset()
	if code := check(options{root: root, overlay: overlay}, &out, &out); code != exitOK || !strings.Contains(out.String(), "package example.com/m/lib/extra: added (1 exported facts)") {
		t.Errorf("new package: exit %d\n%s", code, out.String())
	}
}

func copyMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// TestAliasSpellingIsNoChange: respelling a type in a signature through an alias (gen.Event
// → fingerprint.Event) names the identical type, so the listing must not change.
func TestAliasSpellingIsNoChange(t *testing.T) {
	files := func(spelling string) map[string]string {
		return map[string]string{
			"go.mod":                "module example.com/m\n\ngo 1.25\n",
			"internal/impl/impl.go": "package impl\n\ntype Event struct{ ID string }\n",
			"lib/lib.go": "package lib\n\nimport \"example.com/m/internal/impl\"\n\n" +
				"type Event = impl.Event\n\nfunc Get() " + spelling + " { return " + spelling + "{} }\n\n" +
				"func Put(evs ...*" + spelling + ") {}\n",
		}
	}
	listing := func(spelling string) string {
		pkgs, err := loadAPI(writeModule(t, files(spelling)), nil)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		for _, p := range pkgs {
			for _, f := range p.facts {
				b.WriteString(f.line() + "\n")
			}
		}
		return b.String()
	}
	viaImpl, viaAlias := listing("impl.Event"), listing("Event")
	if viaImpl != viaAlias {
		t.Errorf("listing changed with the spelling only:\nimpl.Event:\n%s\nEvent (alias):\n%s", viaImpl, viaAlias)
	}
}
