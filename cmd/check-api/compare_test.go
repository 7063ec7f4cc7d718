package main

import (
	"strings"
	"testing"
)

// facts parses baseline lines, failing the test on a bad one.
func facts(t *testing.T, lines ...string) []fact {
	t.Helper()
	out := make([]fact, 0, len(lines))
	for _, l := range lines {
		f, err := parseLine(l)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, f)
	}
	return out
}

// report renders changes one per line with a "!" before breaking ones.
func report(changes []change) string {
	var b strings.Builder
	for _, c := range changes {
		if c.breaking {
			b.WriteString("! ")
		} else {
			b.WriteString("+ ")
		}
		b.WriteString(c.String() + "\n")
	}
	return b.String()
}

func TestCompareFacts(t *testing.T) {
	botInfo := []string{
		"type BotInfo struct",
		"type BotInfo struct, Name string",
		"type BotInfoCategory string",
		`const BotInfoCategoryAggregator BotInfoCategory = "aggregator"`,
		`const BotInfoCategoryOther BotInfoCategory = "other"`,
	}
	with := func(base []string, edit func([]string) []string) []string {
		return edit(append([]string(nil), base...))
	}
	tests := []struct {
		name      string
		base, cur []string
		want      string
	}{
		{
			name: "field turns into a pointer",
			base: botInfo,
			cur: with(botInfo, func(l []string) []string {
				l[1] = "type BotInfo struct, Name *string"
				return l
			}),
			want: "! gen.BotInfo.Name: changed from string to *string\n",
		},
		{
			name: "enum value removed",
			base: botInfo,
			cur:  with(botInfo, func(l []string) []string { return append(l[:3], l[4:]...) }),
			want: "! const gen.BotInfoCategoryAggregator: removed\n",
		},
		{
			name: "constant value changed",
			base: botInfo,
			cur: with(botInfo, func(l []string) []string {
				l[3] = `const BotInfoCategoryAggregator BotInfoCategory = "aggregators"`
				return l
			}),
			want: `! const gen.BotInfoCategoryAggregator: changed from BotInfoCategory = "aggregator" to BotInfoCategory = "aggregators"` + "\n",
		},
		{
			name: "struct field added is compatible",
			base: botInfo,
			cur:  append(botInfo, "type BotInfo struct, Homepage *string"),
			want: "+ gen.BotInfo.Homepage: added: *string\n",
		},
		{
			name: "function signature changed",
			base: []string{"func NewClient(string, ...Option) (*Client, error)"},
			cur:  []string{"func NewClient(context.Context, string, ...Option) (*Client, error)"},
			want: "! func gen.NewClient: changed from (string, ...Option) (*Client, error) to (context.Context, string, ...Option) (*Client, error)\n",
		},
		{
			name: "type kind changed",
			base: []string{"type Tags struct"},
			cur:  []string{"type Tags map[string]any"},
			want: "! type gen.Tags: changed from struct to map[string]any\n",
		},
		{
			name: "method added to an interface users implement breaks them",
			base: []string{"type Doer interface", "type Doer interface, Do(*http.Request) (*http.Response, error)"},
			cur:  []string{"type Doer interface", "type Doer interface, Do(*http.Request) (*http.Response, error)", "type Doer interface, Close() error"},
			want: "! method gen.Doer.Close: added to an interface users may implement, which breaks their implementations: () error\n",
		},
		{
			name: "method added to a sealed interface is compatible",
			base: []string{"type Result interface", "type Result interface, Kind() string", "type Result interface, unexported methods"},
			cur:  []string{"type Result interface", "type Result interface, Kind() string", "type Result interface, Name() string", "type Result interface, unexported methods"},
			want: "+ method gen.Result.Name: added: () string\n",
		},
		{
			name: "sealing an interface breaks implementations",
			base: []string{"type Result interface", "type Result interface, Kind() string"},
			cur:  []string{"type Result interface", "type Result interface, Kind() string", "type Result interface, unexported methods"},
			want: "! interface gen.Result (unexported methods): added: implementations outside the package no longer compile\n",
		},
		{
			name: "unsealing an interface is compatible",
			base: []string{"type Result interface", "type Result interface, unexported methods"},
			cur:  []string{"type Result interface"},
			want: "+ interface gen.Result (unexported methods): removed: users may now implement the interface\n",
		},
		{
			name: "interface method removed",
			base: []string{"type Doer interface", "type Doer interface, Do() error"},
			cur:  []string{"type Doer interface"},
			want: "! method gen.Doer.Do: removed\n",
		},
		{
			name: "a new interface with methods is one addition",
			base: nil,
			cur:  []string{"type Doer interface", "type Doer interface, Do() error", "type Doer interface, Close() error"},
			want: "+ type gen.Doer: added: interface (with its 2 fields and methods)\n",
		},
		{
			name: "a removed type is reported once, with its members",
			base: append(botInfo[:2:2], "method (*BotInfo) String() string"),
			cur:  nil,
			want: "! type gen.BotInfo: removed (with its 2 fields and methods)\n",
		},
		{
			name: "pointer receiver to value receiver is compatible",
			base: []string{"type T struct", "method (*T) M() int"},
			cur:  []string{"type T struct", "method (T) M() int"},
			want: "+ method gen.T.M: receiver changed from *T to T (the method set of T grew)\n",
		},
		{
			name: "value receiver to pointer receiver breaks values of T",
			base: []string{"type T struct", "method (T) M() int"},
			cur:  []string{"type T struct", "method (*T) M() int"},
			want: "! method gen.T.M: changed from (T) M() int to (*T) M() int\n",
		},
		{
			name: "alias retargeted",
			base: []string{"type Event = gen.Event"},
			cur:  []string{"type Event = gen.EventV2"},
			want: "! type gen.Event: changed from = gen.Event to = gen.EventV2\n",
		},
		{
			name: "nothing changed",
			base: botInfo,
			cur:  botInfo,
			want: "",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := report(compareFacts("gen", facts(t, tc.base...), facts(t, tc.cur...)))
			if got != tc.want {
				t.Errorf("got\n%swant\n%s", got, tc.want)
			}
		})
	}
}

func TestCompareAllPackages(t *testing.T) {
	base := baseline{
		"gen":  facts(t, "type BotInfo struct"),
		"old":  facts(t, "func F()"),
		"keep": facts(t, "func G()"),
	}
	cur := []apiPackage{
		{path: "example.com/m/gen", rel: "gen", name: "gen", facts: facts(t, "type BotInfo struct")},
		{path: "example.com/m/keep", rel: "keep", name: "keep", facts: facts(t, "func G()")},
		{path: "example.com/m/newpkg", rel: "newpkg", name: "newpkg", facts: facts(t, "func H()", "var V int")},
	}
	got := report(compareAll(base, cur))
	want := "+ package example.com/m/newpkg: added (2 exported facts)\n! package old: removed\n"
	if got != want {
		t.Errorf("got\n%swant\n%s", got, want)
	}
}

func TestParseLineRoundTrip(t *testing.T) {
	lines := []string{
		`const A untyped string = "a b"`,
		"const D time.Duration = 300000000",
		"var OpenAPI []byte",
		"func Ptr[T any](T) *T",
		"func F(func(int, string) error, ...map[string]any) (int, error)",
		"method (*Client) GetEvent(context.Context, string) (*Event, error)",
		"method (Set[K, V]) Len() int",
		"type BotInfo struct",
		"type BotInfo struct, Name *string",
		"type BotInfo struct, embedded *gen.Event",
		"type Set[K comparable, V any] struct",
		"type Set[K comparable, V any] struct, Items map[K]V",
		"type Doer interface",
		"type Doer interface, Do(*http.Request) (*http.Response, error)",
		"type Doer interface, unexported methods",
		"type Event = gen.Event",
		"type List[T any] = []T",
		"type Option func(*config) error",
	}
	for _, l := range lines {
		f, err := parseLine(l)
		if err != nil {
			t.Errorf("parseLine(%q): %v", l, err)
			continue
		}
		if got := f.line(); got != l {
			t.Errorf("parseLine(%q).line() = %q", l, got)
		}
	}
	for _, bad := range []string{"", "func", "func F", "type", "method Get()", "method (*T Get()", "const X", "type T struct, ", "widget W"} {
		if _, err := parseLine(bad); err == nil {
			t.Errorf("parseLine(%q): want an error", bad)
		}
	}
}

// TestEmbeddedFieldKey: an embedded field is keyed by its type's name, so changing
// *gen.Event to gen.Event pairs as one change.
func TestEmbeddedFieldKey(t *testing.T) {
	got := report(compareFacts("fp", facts(t, "type W struct", "type W struct, embedded *gen.Event"), facts(t, "type W struct", "type W struct, embedded gen.Event")))
	want := "! fp.W.Event: changed from *gen.Event to gen.Event\n"
	if got != want {
		t.Errorf("got\n%swant\n%s", got, want)
	}
}
