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
	"strings"
)

// command is one leaf of the command tree, such as "events search".
type command struct {
	path    string // "events search"
	summary string // one line for the command list
	usage   string // synopsis after "fpctl "
	help    string // description and examples, printed by --help
	// flags registers the command's own flags on fs and returns the action that runs
	// the command with them, given the positional arguments left after parsing.
	flags func(fs *flag.FlagSet) (action, error)
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

// action runs a command with the positional arguments left after parsing.
type action func(ctx context.Context, a *app, args []string) error

// bind returns the action that runs run with the options o its flags fill in.
func bind[O any](o O, run func(ctx context.Context, a *app, o O, args []string) error) action {
	return func(ctx context.Context, a *app, args []string) error { return run(ctx, a, o, args) }
}

// noFlags is the flags function of a command without flags of its own.
func noFlags(run action) func(*flag.FlagSet) (action, error) {
	return func(*flag.FlagSet) (action, error) { return run, nil }
}

// commands returns the command tree, in the order of "fpctl help": the one table of
// commands, built when asked rather than registered from init functions.
func commands() []*command {
	return []*command{
		eventsGetCommand(), eventsSearchCommand(), eventsUpdateCommand(), eventsFeedbackCommand(),
		visitorsDeleteCommand(), unsealCommand(), sealCommand(), webhooksVerifyCommand(),
		webhooksSignCommand(), fakeCommand(), versionCommand(), completionCommand(), profilesListCommand(),
	}
}

func findCommand(path string) *command {
	for _, c := range commands() {
		if c.path == path {
			return c
		}
	}
	return nil
}

// groups are the first words of commands that have subcommands.
func isGroup(word string) bool {
	for _, c := range commands() {
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
	run, err := c.flags(fs)
	if err != nil {
		return err
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
		return a.runToFile(ctx, run, pos)
	}
	return run(ctx, a, pos)
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
	for _, c := range commands() {
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
