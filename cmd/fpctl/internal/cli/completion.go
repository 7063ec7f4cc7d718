package cli

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// completionCommand is the "fpctl completion" command.
func completionCommand() *command {
	return &command{
		path:    "completion",
		summary: "print a shell completion script (bash, zsh or fish)",
		usage:   "completion bash|zsh|fish",
		help: `Prints a script that completes fpctl's commands, flags and the values of
flags that take one of a list (--format, --region, --bot, ...) in your shell.

Examples:
  source <(fpctl completion bash)       # in ~/.bashrc
  source <(fpctl completion zsh)        # in ~/.zshrc
  fpctl completion fish > ~/.config/fish/completions/fpctl.fish`,
		offline: true,
		flags:   noFlags(runCompletion),
	}
}

// fileFlags take a file name: the shells complete file names for them.
var fileFlags = []string{"api-key-file", "output", "o", "resume", "from", "journal", "key-file", "secret-file"}

// fixedValues are the values of plain string flags that take one of a list.
var fixedValues = map[string][]string{
	"format": {"jsonl", "json", "csv", "table"},
	"region": {"us", "eu", "asia"},
}

// completer is implemented by the flag values that know their possible values.
type completer interface{ completions() []string }

func (v *stringValue) completions() []string  { return v.spec.Enum }
func (v *sliceValue) completions() []string   { return v.spec.Enum }
func (v *triBoolValue) completions() []string { return []string{"true", "false"} }
func (o *optBool) completions() []string      { return []string{"true", "false"} }

// compFlag is what a completion script needs to know about one flag.
type compFlag struct {
	name   string
	usage  string
	values []string // fixed values; nil for free text or a file
	boolF  bool
	file   bool
}

// completionFlags lists the flags of c (global ones excluded), sorted by name.
func completionFlags(c *command) []compFlag {
	fs := flag.NewFlagSet(c.path, flag.ContinueOnError)
	if c != nil {
		if _, err := c.flags(fs); err != nil {
			return nil
		}
	}
	return flagsOf(fs, func(name string) bool { return !isGlobal(name) })
}

func globalCompletionFlags() []compFlag {
	fs := flag.NewFlagSet("fpctl", flag.ContinueOnError)
	(&globals{}).register(fs)
	return flagsOf(fs, func(string) bool { return true })
}

func flagsOf(fs *flag.FlagSet, keep func(string) bool) []compFlag {
	var out []compFlag
	fs.VisitAll(func(f *flag.Flag) {
		if !keep(f.Name) {
			return
		}
		cf := compFlag{name: f.Name, usage: f.Usage, values: fixedValues[f.Name], file: slices.Contains(fileFlags, f.Name)}
		if c, ok := f.Value.(completer); ok {
			cf.values = c.completions()
		}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			cf.boolF = true
		}
		out = append(out, cf)
	})
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

func dashed(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

func runCompletion(_ context.Context, a *app, args []string) error {
	if len(args) != 1 {
		return usagef("completion takes one shell: bash, zsh or fish")
	}
	var script string
	switch args[0] {
	case "bash":
		script = bashCompletion()
	case "zsh":
		// zsh runs the bash script through its bashcompinit layer.
		script = "# zsh completion for fpctl: source <(fpctl completion zsh)\n" +
			"autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n" + bashCompletion()
	case "fish":
		script = fishCompletion()
	default:
		return usagef("completion: unknown shell %q: bash, zsh or fish%s", args[0], didYouMean(args[0], []string{"bash", "zsh", "fish"}))
	}
	_, err := fmt.Fprint(a.env.Stdout, script)
	return err
}

// sq single-quotes words for a shell (no value the CLI completes holds a quote).
func sq(words ...string) string { return "'" + strings.Join(words, " ") + "'" }

func topWords() []string {
	var out []string
	for _, c := range commands() {
		w := strings.Fields(c.path)[0]
		if !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return append(out, "help")
}

func bashCompletion() string {
	var b strings.Builder
	b.WriteString("# bash completion for fpctl: source <(fpctl completion bash)\n")
	globals := globalCompletionFlags()
	var valueFlags []string
	enums := map[string][]string{}
	files := map[string]bool{}
	add := func(fl []compFlag) {
		for _, f := range fl {
			if !f.boolF && !slices.Contains(valueFlags, dashed(f.name)) {
				valueFlags = append(valueFlags, dashed(f.name))
			}
			if len(f.values) > 0 && !f.boolF {
				enums[dashed(f.name)] = f.values
			}
			if f.file {
				files[dashed(f.name)] = true
			}
		}
	}
	add(globals)
	for _, c := range commands() {
		add(completionFlags(c))
	}
	fmt.Fprintf(&b, "_fpctl_value_flags=' %s '\n", strings.Join(valueFlags, " "))
	b.WriteString("_fpctl() {\n")
	b.WriteString("  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n")
	b.WriteString("  local cmd=\"\" i w p\n")
	b.WriteString("  for ((i=1; i<COMP_CWORD; i++)); do\n")
	b.WriteString("    w=\"${COMP_WORDS[i]}\"; p=\"${COMP_WORDS[i-1]}\"\n")
	b.WriteString("    [[ \"$w\" == -* ]] && continue\n")
	b.WriteString("    [[ \"$p\" == -* && \"$p\" != *=* && \"$_fpctl_value_flags\" == *\" $p \"* ]] && continue\n")
	b.WriteString("    if [[ -z \"$cmd\" ]]; then cmd=\"$w\"\n")
	b.WriteString("    elif [[ \"$cmd\" != *\" \"* ]] && _fpctl_subcommands \"$cmd\" >/dev/null; then cmd=\"$cmd $w\"; break\n")
	b.WriteString("    else break; fi\n")
	b.WriteString("  done\n")
	b.WriteString("  local flag=\"$prev\" val=\"$cur\" pre=\"\"\n")
	b.WriteString("  if [[ \"$cur\" == --*=* ]]; then flag=\"${cur%%=*}\"; val=\"${cur#*=}\"; pre=\"$flag=\"; fi\n")
	b.WriteString("  case \"$flag\" in\n")
	keys := make([]string, 0, len(enums))
	for k := range enums {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "    %s) COMPREPLY=($(compgen -P \"$pre\" -W %s -- \"$val\")); return;;\n", k, sq(enums[k]...))
	}
	var fileList []string
	for k := range files {
		fileList = append(fileList, k)
	}
	sort.Strings(fileList)
	fmt.Fprintf(&b, "    %s) COMPREPLY=($(compgen -f -- \"$val\")); return;;\n", strings.Join(fileList, "|"))
	b.WriteString("  esac\n")
	b.WriteString("  if [[ \"$cur\" != \"$val\" || ( \"$_fpctl_value_flags\" == *\" $prev \"* ) ]]; then return; fi\n")
	b.WriteString("  if [[ \"$cur\" == -* ]]; then\n")
	b.WriteString("    COMPREPLY=($(compgen -W \"$(_fpctl_flags \"$cmd\") " + flagNames(globals) + "\" -- \"$cur\")); return\n")
	b.WriteString("  fi\n")
	b.WriteString("  if [[ -z \"$cmd\" ]]; then COMPREPLY=($(compgen -W \"" + strings.Join(topWords(), " ") + "\" -- \"$cur\")); return; fi\n")
	b.WriteString("  if [[ \"$cmd\" != *\" \"* ]] && _fpctl_subcommands \"$cmd\" >/dev/null; then\n")
	b.WriteString("    COMPREPLY=($(compgen -W \"$(_fpctl_subcommands \"$cmd\")\" -- \"$cur\")); return\n")
	b.WriteString("  fi\n")
	b.WriteString("  case \"$cmd\" in\n")
	b.WriteString("    completion) COMPREPLY=($(compgen -W \"bash zsh fish\" -- \"$cur\"));;\n")
	b.WriteString("    help) COMPREPLY=($(compgen -W \"" + strings.Join(topWords(), " ") + "\" -- \"$cur\"));;\n")
	b.WriteString("    *) COMPREPLY=($(compgen -f -- \"$cur\"));;\n")
	b.WriteString("  esac\n")
	b.WriteString("}\n")
	b.WriteString("_fpctl_subcommands() {\n  case \"$1\" in\n")
	for _, g := range topWords() {
		if subs := subcommands(g); len(subs) > 0 {
			fmt.Fprintf(&b, "    %s) echo %s;;\n", g, sq(subs...))
		}
	}
	b.WriteString("    *) return 1;;\n  esac\n}\n")
	b.WriteString("_fpctl_flags() {\n  case \"$1\" in\n")
	for _, c := range commands() {
		if fl := completionFlags(c); len(fl) > 0 {
			fmt.Fprintf(&b, "    '%s') echo %s;;\n", c.path, sq(flagNames(fl)))
		}
	}
	b.WriteString("  esac\n}\n")
	b.WriteString("complete -o default -F _fpctl fpctl\n")
	return b.String()
}

func flagNames(fl []compFlag) string {
	names := make([]string, len(fl))
	for i, f := range fl {
		names[i] = dashed(f.name)
	}
	return strings.Join(names, " ")
}

func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

func fishCompletion() string {
	var b strings.Builder
	b.WriteString("# fish completion for fpctl: fpctl completion fish > ~/.config/fish/completions/fpctl.fish\n")
	b.WriteString("complete -c fpctl -f\n")
	top := topWords()
	for _, w := range top {
		desc := w + " commands"
		if c := findCommand(w); c != nil {
			desc = c.summary
		}
		fmt.Fprintf(&b, "complete -c fpctl -n '__fish_use_subcommand' -a %s -d %s\n", w, fishQuote(desc))
	}
	for _, g := range top {
		subs := subcommands(g)
		for _, s := range subs {
			c := findCommand(g + " " + s)
			fmt.Fprintf(&b, "complete -c fpctl -n '__fish_seen_subcommand_from %s; and not __fish_seen_subcommand_from %s' -a %s -d %s\n",
				g, strings.Join(subs, " "), s, fishQuote(c.summary))
		}
	}
	fmt.Fprintf(&b, "complete -c fpctl -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'\n")
	fishFlags := func(cond string, fl []compFlag) {
		for _, f := range fl {
			opt := "-l " + f.name
			if len(f.name) == 1 {
				opt = "-s " + f.name
			}
			line := "complete -c fpctl"
			if cond != "" {
				line += " -n " + fishQuote(cond)
			}
			line += " " + opt
			switch {
			case f.boolF:
			case len(f.values) > 0:
				line += " -x -a " + fishQuote(strings.Join(f.values, " "))
			case f.file:
				line += " -r -F"
			default:
				line += " -x"
			}
			usage := f.usage
			if len(usage) > 70 {
				usage = usage[:69] + "…"
			}
			b.WriteString(line + " -d " + fishQuote(usage) + "\n")
		}
	}
	fishFlags("", globalCompletionFlags())
	for _, c := range commands() {
		words := strings.Fields(c.path)
		cond := "__fish_seen_subcommand_from " + words[0]
		if len(words) > 1 {
			cond += "; and __fish_seen_subcommand_from " + words[1]
		}
		fishFlags(cond, completionFlags(c))
	}
	return b.String()
}
