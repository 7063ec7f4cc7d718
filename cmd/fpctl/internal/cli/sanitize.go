package cli

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Event fields (linked_id, url, tags, user agent, headers) are written by whoever
// controls a browser. These helpers make sure such text is inert wherever the CLI
// writes it: a terminal never receives a control character from data, a spreadsheet
// never receives a formula, and JSON never carries a raw C1 control or line separator.

// termSafe returns s with every character a terminal could act on replaced by a
// visible escape: C0 controls and DEL (ESC, BEL, BS, CR: the start of every OSC 52,
// OSC 8 or cursor sequence) as \x1b, C1 controls (U+0080 to U+009F, such as the
// 8-bit CSI U+009B) and the bidirectional and line-separator characters that reorder
// or break lines as \u009b, and invalid UTF-8 as U+FFFD. Everything else is kept.
func termSafe(s string) string {
	if isTermSafe(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeForTerminal(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func isTermSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c >= 0x80 {
			return !hasUnsafeRune(s)
		}
	}
	return true
}

func hasUnsafeRune(s string) bool {
	for i, r := range s {
		if r < 0x20 || r == 0x7f || unsafeForTerminal(r) {
			return true
		}
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return true
			}
		}
	}
	return false
}

// unsafeForTerminal: C1 controls, the bidirectional embedding, override and isolate
// controls (which make a terminal show text in another order than it is, as in
// "Trojan Source"), and U+2028/U+2029.
func unsafeForTerminal(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	case r == 0x2028 || r == 0x2029:
		return true
	}
	return false
}

// csvSafe neutralises a cell a spreadsheet would evaluate, as OWASP recommends for
// CSV injection: a cell that starts with =, +, -, @, tab or carriage return gets a
// leading single quote, and reports that it must be quoted. Plain numbers such as
// -12.5 are left as they are: a spreadsheet reads them as numbers, never as formulas.
func csvSafe(s string) (string, bool) {
	if s == "" {
		return s, false
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		if isPlainNumber(s) {
			return s, false
		}
		return "'" + s, true
	}
	return s, false
}

// isPlainNumber matches [+-]digits[.digits][e[+-]digits], nothing else.
func isPlainNumber(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := func() bool {
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i > start
	}
	if !digits() {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if !digits() {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if !digits() {
			return false
		}
	}
	return i == len(s)
}

// appendJSONSafe appends the JSON text src to dst with the characters encoding/json
// leaves raw but that terminals and some parsers act on escaped: C1 controls
// (U+0080 to U+009F; encoding/json already escapes C0), DEL, U+2028/U+2029 and the
// bidirectional controls (unsafeForTerminal). In valid JSON these can only occur
// inside strings, where \uXXXX means the same character.
func appendJSONSafe(dst, src []byte) []byte {
	for {
		i := bytes.IndexFunc(src, func(r rune) bool { return r == 0x7f || unsafeForTerminal(r) })
		if i < 0 {
			return append(dst, src...)
		}
		r, size := utf8.DecodeRune(src[i:])
		dst = append(dst, src[:i]...)
		dst = fmt.Appendf(dst, `\u%04x`, r)
		src = src[i+size:]
	}
}

// jsonSafe is appendJSONSafe without a copy when nothing needs escaping, which is
// the case for almost every event.
func jsonSafe(b []byte) []byte {
	for _, c := range b {
		if c == 0x7f || c == 0xc2 || c == 0xe2 || c == 0xd8 { // DEL, first bytes of every unsafeForTerminal rune
			return appendJSONSafe(make([]byte, 0, len(b)+16), b)
		}
	}
	return b
}
