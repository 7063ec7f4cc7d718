package main

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestHelpFits80Columns: every help text, of every command, fits an 80-column
// terminal.
func TestHelpFits80Columns(t *testing.T) {
	pages := [][]string{{"help"}, {"events", "--help"}, {"webhooks", "--help"}, {"visitors", "--help"}, {"profiles", "--help"}}
	for _, c := range []string{"events get", "events search", "events update", "visitors delete", "unseal", "seal",
		"webhooks verify", "webhooks sign", "fake", "version", "completion", "profiles list"} {
		pages = append(pages, append(strings.Fields(c), "--help"))
	}
	for _, args := range pages {
		res := runCmd(t, command(t, args...))
		if res.code != 0 || res.stdout == "" {
			t.Fatalf("fpctl %s: exit %d, stderr %s", strings.Join(args, " "), res.code, res.stderr)
		}
		for i, line := range strings.Split(res.stdout, "\n") {
			if n := utf8.RuneCountInString(line); n > 80 {
				t.Errorf("fpctl %s: line %d is %d columns: %q", strings.Join(args, " "), i+1, n, line)
			}
		}
	}
}
