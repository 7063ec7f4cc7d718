// Package cli implements the fpctl command: argument parsing, the commands and
// their output. It uses only the public API of package fingerprint (and fingerprinttest
// for --fake and the fake command), so it is also the SDK's most demanding user.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
)

// command is one leaf of the command tree, such as "events search".
type command struct {
	path    string // "events search"
	summary string // one line for the command list
	usage   string // synopsis after "fpctl "
	help    string // description and examples, printed by --help
	// flags registers the command's own flags; run executes it with the positional
	// arguments left after parsing.
	flags func(fs *flag.FlagSet) (any, error)
	run   func(ctx context.Context, a *app, opts any, args []string) error
	// offline commands never call the API, so they need no key.
	offline bool
}

// app is the state shared by the commands of one invocation.
type app struct {
	ctx context.Context // the invocation's: done on Ctrl+C or SIGTERM
	env *Env
	g   *globals
	cmd *command
}

// commands is the command tree, in the order of "fpctl help".
var commands []*command

// order is the order of "fpctl help"; commands not listed come last.
var order = []string{"events get", "events search", "events update", "events feedback", "visitors delete",
	"unseal", "seal", "webhooks verify", "webhooks sign", "fake", "version"}

func register(c *command) {
	commands = append(commands, c)
	rank := func(c *command) int {
		if i := slices.Index(order, c.path); i >= 0 {
			return i
		}
		return len(order)
	}
	slices.SortStableFunc(commands, func(a, b *command) int { return rank(a) - rank(b) })
}

func findCommand(path string) *command {
	for _, c := range commands {
		if c.path == path {
			return c
		}
	}
	return nil
}

// groups are the first words of commands that have subcommands.
func isGroup(word string) bool {
	for _, c := range commands {
		if strings.HasPrefix(c.path, word+" ") {
			return true
		}
	}
	return false
}

// Run executes the command line args (without the program name) and returns the
// process exit code. Errors are printed on env.Stderr as one line.
func Run(ctx context.Context, args []string, env *Env) int {
	env = env.withDefaults()
	err := run(ctx, args, env)
	if err != nil {
		var x *exitError
		if !errors.As(err, &x) || x.msg != "" {
			fmt.Fprintln(env.Stderr, errorLine(err))
		}
	}
	return exitCode(err)
}

func run(ctx context.Context, args []string, env *Env) error {
	pre, words, rest, err := splitCommand(args)
	if err != nil {
		return err
	}
	if len(words) == 0 && hasFlag(pre, "version") {
		return printVersion(env.Stdout)
	}
	if len(words) == 0 || words[0] == "help" {
		return runHelp(env, append(words, rest...), pre)
	}
	path := strings.Join(words, " ")
	c := findCommand(path)
	if c == nil {
		if isGroup(words[0]) && len(words) == 1 {
			if hasHelpFlag(rest) || hasHelpFlag(pre) {
				printGroupHelp(env.Stdout, words[0])
				return nil
			}
			return usagef("%q needs a subcommand: %s", words[0], strings.Join(subcommands(words[0]), ", "))
		}
		return usagef("unknown command %q%s", path, didYouMean(path, commandNames()))
	}
	a := &app{ctx: ctx, env: env, g: &globals{}, cmd: c}
	fs := flag.NewFlagSet("fpctl "+c.path, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	a.g.register(fs)
	var opts any
	if c.flags != nil {
		if opts, err = c.flags(fs); err != nil {
			return err
		}
	}
	// Global flags given before the command name are parsed as if they followed it.
	pos, err := parseInterspersed(fs, append(pre, rest...))
	if errors.Is(err, flag.ErrHelp) {
		printCommandHelp(env.Stdout, c, fs)
		return nil
	}
	if err != nil {
		return usagef("%s: %s%s (see 'fpctl %s --help')", c.path, dashDash(err.Error()), flagSuggestion(fs, err), c.path)
	}
	if a.g.version {
		return printVersion(env.Stdout)
	}
	if err := a.g.check(); err != nil {
		return err
	}
	if !c.offline {
		if err := a.applyProfile(); err != nil {
			return err
		}
	}
	if a.g.output != "" {
		return a.runToFile(ctx, c, opts, pos)
	}
	return c.run(ctx, a, opts, pos)
}

func hasFlag(args []string, name string) bool {
	for _, a := range args {
		if strings.TrimLeft(a, "-") == name {
			return true
		}
	}
	return false
}

// splitCommand separates the global flags written before the command name (pre), the
// command words (up to two: "events search") and what follows them.
func splitCommand(args []string) (pre, words, rest []string, err error) {
	i := 0
	for i < len(args) {
		a := args[i]
		if a == "--" {
			i++
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			break
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		switch {
		case name == "h" || name == "help":
			return nil, []string{"help"}, nil, nil
		case isGlobalBool(name) || hasValue:
			if !isGlobal(name) {
				return nil, nil, nil, usagef("unknown global flag %s (command flags go after the command name)%s", a, globalSuggestion(name))
			}
			pre = append(pre, a)
			i++
		case isGlobal(name):
			if i+1 >= len(args) {
				return nil, nil, nil, usagef("flag needs an argument: %s", a)
			}
			pre = append(pre, a, args[i+1])
			i += 2
		default:
			return nil, nil, nil, usagef("unknown global flag %s (command flags go after the command name)%s", a, globalSuggestion(name))
		}
	}
	if i < len(args) {
		words = append(words, args[i])
		i++
		if isGroup(words[0]) && i < len(args) && !strings.HasPrefix(args[i], "-") {
			words = append(words, args[i])
			i++
		}
	}
	return pre, words, args[i:], nil
}

// parseInterspersed parses flags anywhere among the positional arguments, as in
// "events get ID --fake"; everything after "--" is positional.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" && !flagValueAt(fs, args, consumed-1) {
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// flagValueAt reports whether args[i] was consumed as the value of the flag before it
// (as in "--linked-id --"), rather than being the "--" terminator.
func flagValueAt(fs *flag.FlagSet, args []string, i int) bool {
	if i == 0 {
		return false
	}
	prev := args[i-1]
	if !strings.HasPrefix(prev, "-") || strings.Contains(prev, "=") {
		return false
	}
	f := fs.Lookup(strings.TrimLeft(prev, "-"))
	if f == nil {
		return false
	}
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return !ok || !b.IsBoolFlag()
}

func hasHelpFlag(args []string) bool {
	for _, a := range args {
		if a == "-h" || a == "--h" || a == "-help" || a == "--help" {
			return true
		}
	}
	return false
}

func subcommands(group string) []string {
	var out []string
	for _, c := range commands {
		if after, ok := strings.CutPrefix(c.path, group+" "); ok {
			out = append(out, after)
		}
	}
	return out
}

// dashDash rewrites the flag package's "-name" in its messages as "--name", the
// spelling the help uses.
func dashDash(msg string) string {
	for _, p := range []string{"flag -", "defined: -", "argument: -"} {
		msg = strings.ReplaceAll(msg, p, p+"-")
	}
	return msg
}
