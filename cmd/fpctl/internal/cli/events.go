package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/fpgo/fingerprint-go/fingerprint"
)

type getOpts struct{ ruleset string }

type updateOpts struct {
	linkedID optString
	suspect  optBool
	tags     tagList
}

// eventsGetCommand is the "fpctl events get" command.
func eventsGetCommand() *command {
	return &command{
		path:    "events get",
		summary: "print one event as JSON",
		usage:   "events get EVENT_ID [--ruleset ID]",
		help: `Prints the event with the given ID (the event_id / requestId your frontend received) as
indented JSON. --ruleset evaluates a ruleset at the same time (see rule_action).

Examples:
  fpctl --fake events get ` + DemoEventID + `
  fpctl events get 1708102555327.NLOjmg --ruleset rs_1 | jq .rule_action`,
		flags: func(fs *flag.FlagSet) (action, error) {
			o := &getOpts{}
			fs.StringVar(&o.ruleset, "ruleset", "", "evaluate this ruleset and include its rule_action")
			return bind(o, runGet), nil
		},
	}
}

// eventsUpdateCommand is the "fpctl events update" command.
func eventsUpdateCommand() *command {
	return &command{
		path:    "events update",
		summary: "set an event's linked ID, tags or suspect flag",
		usage: `events update EVENT_ID [--linked-id S] [--tag k=v]...
      [--suspect=true|false]`,
		help: `Changes an event. Only what you pass is sent; at least one flag is needed. The tags you
pass replace the event's tags (values are strings). Right after identification the API
can answer 409 state_not_ready; the command retries that.

Examples:
  fpctl --fake events update ` + DemoEventID + ` --suspect=true \
      --tag reviewed_by=alice
  fpctl events update 1708102555327.NLOjmg --linked-id order-1042`,
		flags: func(fs *flag.FlagSet) (action, error) {
			o := &updateOpts{}
			fs.Var(&o.linkedID, "linked-id", "new linked ID, your own identifier such as an order or account ID")
			fs.Var(&o.suspect, "suspect", "mark the event as suspicious (true) or clear the mark (false)")
			fs.Var(&o.tags, "tag", "a tag as key=value; repeat for several (they replace the event's tags)")
			return bind(o, runUpdate), nil
		},
	}
}

func oneID(cmd string, args []string) (string, error) {
	if len(args) != 1 {
		return "", usagef("%s takes exactly one event ID, got %d arguments", cmd, len(args))
	}
	if id := args[0]; strings.TrimSpace(id) == "" || id == "." || id == ".." {
		return "", usagef("%s: %q is not a valid event ID", cmd, id)
	}
	return args[0], nil
}

func runGet(ctx context.Context, a *app, o *getOpts, args []string) error {
	id, err := oneID("events get", args)
	if err != nil {
		return err
	}
	client, closeFn, err := a.newClient()
	if err != nil {
		return err
	}
	defer closeFn()
	var gopts *fingerprint.GetEventOptions
	if o.ruleset != "" {
		gopts = &fingerprint.GetEventOptions{RulesetID: o.ruleset}
	}
	ev, err := client.GetEvent(ctx, id, gopts)
	if err != nil {
		return err
	}
	return writeEvent(a.env, ev)
}

// writeEvent prints an event indented: the JSON the server sent, fields newer than this
// fpctl included, re-indented but not decoded and encoded again.
func writeEvent(env *Env, ev *fingerprint.Event) error {
	raw := ev.RawJSON()
	if raw == nil || !utf8.Valid(raw) { // see encodeEvent
		return writeIndented(env, ev)
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		return err
	}
	buf.WriteByte('\n')
	_, err := env.Stdout.Write(jsonSafe(buf.Bytes()))
	return err
}

// writeIndented prints v as indented JSON, with C1 controls, DEL and the bidi and
// line-separator characters escaped (jsonSafe), so nothing in an event acts on a terminal.
func writeIndented(env *Env, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := env.Stdout.Write(jsonSafe(buf.Bytes()))
	return err
}

func runUpdate(ctx context.Context, a *app, o *updateOpts, args []string) error {
	id, err := oneID("events update", args)
	if err != nil {
		return err
	}
	var u fingerprint.EventUpdate
	if o.linkedID.set {
		u.LinkedID = &o.linkedID.v
	}
	if o.suspect.set {
		u.Suspect = &o.suspect.v
	}
	if len(o.tags) > 0 {
		setTags(&u, o.tags.m())
	}
	if !o.linkedID.set && !o.suspect.set && len(o.tags) == 0 {
		return usagef("events update: nothing to change: pass --linked-id, --tag or --suspect")
	}
	client, closeFn, err := a.newClient()
	if err != nil {
		return err
	}
	defer closeFn()
	if err := client.UpdateEvent(ctx, id, u); err != nil {
		return err
	}
	_, err = a.env.Stdout.Write([]byte("updated " + id + "\n"))
	return err
}

// setTags stores tags in u.Tags whatever map type the field has (*map[string]any today).
func setTags(u *fingerprint.EventUpdate, tags map[string]any) {
	f := reflect.ValueOf(u).Elem().FieldByName("Tags")
	p := reflect.New(f.Type().Elem())
	p.Elem().Set(reflect.ValueOf(tags).Convert(f.Type().Elem()))
	f.Set(p)
}

type optString struct {
	v   string
	set bool
}

func (o *optString) String() string { return o.v }
func (o *optString) Set(s string) error {
	if strings.TrimSpace(s) == "" {
		return errEmpty
	}
	o.v, o.set = s, true
	return nil
}

type optBool struct {
	v, set bool
}

func (o *optBool) IsBoolFlag() bool { return true }
func (o *optBool) String() string {
	if !o.set {
		return ""
	}
	if o.v {
		return "true"
	}
	return "false"
}
func (o *optBool) Set(s string) error {
	switch s {
	case "true", "1":
		o.v = true
	case "false", "0":
		o.v = false
	default:
		return errBool
	}
	o.set = true
	return nil
}

type tagList [][2]string

func (t *tagList) String() string { return "" }
func (t *tagList) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || strings.TrimSpace(k) == "" {
		return errTag
	}
	*t = append(*t, [2]string{k, v})
	return nil
}

func (t tagList) m() map[string]any {
	m := make(map[string]any, len(t))
	for _, kv := range t {
		m[kv[0]] = kv[1]
	}
	return m
}

type flagErr string

func (e flagErr) Error() string { return string(e) }

const (
	errEmpty flagErr = "empty value"
	errBool  flagErr = "want true or false"
	errTag   flagErr = "want key=value"
)
