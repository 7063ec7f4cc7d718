package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
)

const topHelp = `fpctl: the Fingerprint Server API v4 from the command line.

Usage:
  fpctl [global flags] COMMAND [flags] [arguments]

Commands:
%s
Global flags (before or after the command name):
  --region us|eu|asia  API region (default $FINGERPRINT_REGION, else us)
  --base-url URL       another API base URL: a proxy, or "fpctl fake"
  --allow-insecure-http  allow an http:// --base-url to a non-loopback host
                       (the key then crosses the network unencrypted)
  --timeout D          time limit of each attempt (default 30s)
  --retries N          retries after a failed attempt (default 2)
  --verbose            log each request attempt on stderr (never the key)
  --fake               an in-memory fake server with realistic data; no key
  --api-key-file FILE  read the secret API key from FILE
  --profile NAME       a profile of the config file (default $FPCTL_PROFILE)
  -o, --output FILE    write to FILE (complete or not at all) instead of stdout
  --version            print the version and exit

The secret API key comes from $FINGERPRINT_SECRET_API_KEY, --api-key-file or a
profile's key file, never from a flag value (other users can see a process's
arguments, and shells keep them). fpctl and the SDK send no telemetry.
Exit status: 0 success, 1 failure (API, network, bad signature), 2 usage error.

Try it without an account:
  fpctl --fake events search --since 24h --bot bad --format table
  fpctl --fake events get %s

Run "fpctl COMMAND --help" for a command's flags and examples.
`

func runHelp(env *Env, words, pre []string) error {
	if len(words) <= 1 {
		if len(words) == 0 && !hasHelpFlag(pre) && len(pre) > 0 {
			return usagef("missing command")
		}
		printTopHelp(env.Stdout)
		return nil
	}
	path := strings.Join(words[1:], " ")
	if c := findCommand(path); c != nil {
		fs := flag.NewFlagSet(c.path, flag.ContinueOnError)
		(&globals{}).register(fs)
		if _, err := c.flags(fs); err != nil {
			return err
		}
		printCommandHelp(env.Stdout, c, fs)
		return nil
	}
	if isGroup(words[1]) {
		printGroupHelp(env.Stdout, words[1])
		return nil
	}
	return usagef("unknown command %q%s", path, didYouMean(path, commandNames()))
}

func printTopHelp(w io.Writer) {
	var b strings.Builder
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %-16s %s\n", c.path, c.summary)
	}
	fmt.Fprintf(w, topHelp, b.String(), DemoEventID)
}

func printGroupHelp(w io.Writer, group string) {
	fmt.Fprintf(w, "Usage:\n  fpctl %s COMMAND [flags]\n\nCommands:\n", group)
	for _, c := range commands() {
		if strings.HasPrefix(c.path, group+" ") {
			fmt.Fprintf(w, "  %-16s %s\n", c.path, c.summary)
		}
	}
	fmt.Fprintf(w, "\nRun \"fpctl %s COMMAND --help\" for a command's flags and examples.\n", group)
}

// printCommandHelp prints the synopsis, description with examples, and the command's
// own flags (the global ones are listed by "fpctl help").
func printCommandHelp(w io.Writer, c *command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "Usage:\n  fpctl %s\n\n%s\n", c.usage, strings.TrimRight(reflow(c.help, helpWidth), "\n"))
	var flags strings.Builder
	fs.VisitAll(func(f *flag.Flag) {
		if isGlobal(f.Name) {
			return
		}
		name, usage := flag.UnquoteUsage(f)
		line := "  --" + f.Name
		switch f.Value.(type) {
		case *triBoolValue, *optBool:
			line += "[=true|false]"
		default:
			if name != "" {
				line += " " + name
			}
		}
		if f.DefValue != "" && f.DefValue != "0" && f.DefValue != "false" && f.DefValue != "0s" {
			usage += " (default " + f.DefValue + ")"
		}
		fmt.Fprintf(&flags, "%s\n%s", line, wrapText(usage, helpWidth, "      "))
	})
	if flags.Len() > 0 {
		fmt.Fprint(w, "\nFlags:\n"+flags.String())
	}
	fmt.Fprint(w, "\n"+wrapText("Global flags (--region, --base-url, --timeout, --retries, --verbose, --fake, --api-key-file, --profile, --output): see \"fpctl help\".", helpWidth, ""))
}

// reflow wraps each prose paragraph of s (blank-line separated, no line indented) to
// width; indented paragraphs (examples, lists) are kept as written.
func reflow(s string, width int) string {
	var b strings.Builder
	for _, para := range strings.Split(s, "\n\n") {
		if strings.Contains("\n"+para, "\n ") {
			b.WriteString(para + "\n")
		} else {
			b.WriteString(wrapText(para, width, ""))
		}
		b.WriteString("\n")
	}
	return b.String()
}

// helpWidth is the width help text is wrapped to.
const helpWidth = 80

// wrapText breaks s into lines of at most width columns, each starting with indent;
// a word longer than a line gets a line of its own.
func wrapText(s string, width int, indent string) string {
	var b strings.Builder
	line := indent
	for _, word := range strings.Fields(s) {
		if line != indent && textWidth(line)+1+textWidth(word) > width {
			b.WriteString(line + "\n")
			line = indent
		}
		if line != indent {
			line += " "
		}
		line += word
	}
	b.WriteString(line + "\n")
	return b.String()
}

// versionCommand is the "fpctl version" command.
func versionCommand() *command {
	return &command{
		path:    "version",
		summary: "print the version of fpctl and of the SDK",
		usage:   "version",
		help:    "Prints the version of fpctl and of the fingerprint-go SDK it is built with.\n\nExample:\n  fpctl version",
		flags: noFlags(func(_ context.Context, a *app, args []string) error {
			if len(args) > 0 {
				return usagef("version takes no arguments")
			}
			return printVersion(a.env.Stdout)
		}),
		offline: true,
	}
}
