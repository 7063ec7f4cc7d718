package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestBashCompletion sources `fpctl completion bash` in bash and completes command
// lines: commands, subcommands, flags, and the values of enum flags.
func TestBashCompletion(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash not installed: cannot run the bash completion script")
	}
	res := runCmd(t, command(t, "completion", "bash"))
	if res.code != 0 {
		t.Fatalf("completion bash: exit %d: %s", res.code, res.stderr)
	}
	script := filepath.Join(t.TempDir(), "fpctl.bash")
	if err := os.WriteFile(script, []byte(res.stdout), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		line string // the words; the last one is being completed
		want []string
		not  []string
	}{
		{line: "fpctl ev", want: []string{"events"}},
		{line: "fpctl events s", want: []string{"search"}},
		{line: "fpctl events search --bo", want: []string{"--bot", "--bot-info-category"}, not: []string{"--since"}},
		{line: "fpctl events search --bot ", want: []string{"all", "good", "bad", "none"}},
		{line: "fpctl events search --format=c", want: []string{"--format=csv"}},
		{line: "fpctl events search --sdk-platform ", want: []string{"js", "android", "ios"}},
		{line: "fpctl --region ", want: []string{"us", "eu", "asia"}},
		{line: "fpctl --region eu events se", want: []string{"search"}},
		{line: "fpctl visitors delete --", want: []string{"--journal", "--dry-run", "--profile"}, not: []string{"--bot"}},
		{line: "fpctl completion ", want: []string{"bash", "zsh", "fish"}},
	} {
		words := strings.Split(tc.line, " ")
		var q []string
		for _, w := range words {
			q = append(q, "'"+w+"'")
		}
		prog := "source " + script + "\nCOMP_WORDS=(" + strings.Join(q, " ") + ")\nCOMP_CWORD=" +
			itoa(len(words)-1) + "\n_fpctl\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n"
		out, err := exec.CommandContext(t.Context(), bash, "--norc", "--noprofile", "-c", prog).CombinedOutput()
		if err != nil {
			t.Fatalf("%q: %v\n%s", tc.line, err, out)
		}
		got := strings.Fields(string(out))
		for _, w := range tc.want {
			if !contains(got, w) {
				t.Errorf("%q: completions %q lack %q", tc.line, got, w)
			}
		}
		for _, w := range tc.not {
			if contains(got, w) {
				t.Errorf("%q: completions %q hold %q", tc.line, got, w)
			}
		}
	}
	for _, shell := range []string{"zsh", "fish"} {
		res := runCmd(t, command(t, "completion", shell))
		if res.code != 0 || !strings.Contains(res.stdout, "fpctl") {
			t.Errorf("completion %s: exit %d, %d bytes", shell, res.code, len(res.stdout))
		}
	}
	if res := runCmd(t, command(t, "completion", "fsh")); res.code != 2 || !strings.Contains(res.stderr, `did you mean "fish"`) {
		t.Errorf("completion fsh: exit %d, stderr %q", res.code, res.stderr)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func itoa(n int) string { return strconv.Itoa(n) }
