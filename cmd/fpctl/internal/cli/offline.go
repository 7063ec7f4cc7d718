package cli

import (
	"context"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"strings"

	"github.com/fpgo/fingerprint-go/fingerprint/sealed"
	"github.com/fpgo/fingerprint-go/fingerprint/webhook"
)

// maxInput bounds what unseal, seal and webhooks read from a file or stdin: sealed
// results and webhook bodies are a few KiB.
const maxInput = 16 << 20

type unsealOpts struct{ keyFiles stringList }

type webhookOpts struct {
	secretFile string
	signature  string
}

type sealOpts struct{ keyFile string }

// unsealCommand is the "fpctl unseal" command.
func unsealCommand() *command {
	return &command{
		path:    "unseal",
		summary: "open a sealed client result (base64) and print the event JSON",
		usage:   "unseal --key-file FILE [--key-file FILE]... [FILE|-]",
		help: `Decrypts a sealed client result, the base64 string the JavaScript agent returns when
sealed results are on, and prints the event as JSON. Each --key-file holds one base64 key
from the dashboard; give several during a key rotation (they are tried in order), or set
` + envSealedKeys + ` to keys separated by commas or spaces. The input is FILE, or stdin
when FILE is "-" or absent.

Examples:
  head -c 32 /dev/urandom | base64 > sealed.key
  fpctl --fake events get ` + DemoEventID + ` |
      fpctl seal --key-file sealed.key > sealed.txt
  fpctl unseal --key-file sealed.key sealed.txt
  FINGERPRINT_SEALED_KEYS="$NEW_KEY,$OLD_KEY" fpctl unseal - < sealed.txt`,
		flags: func(fs *flag.FlagSet) (action, error) {
			o := &unsealOpts{}
			fs.Var(&o.keyFiles, "key-file", "file holding a base64 decryption key; repeat for key rotation")
			return bind(o, runUnseal), nil
		},
		offline: true,
	}
}

// sealCommand is the "fpctl seal" command.
func sealCommand() *command {
	return &command{
		path:    "seal",
		summary: "seal event JSON as the API does, to test unseal or a backend",
		usage:   "seal --key-file FILE [FILE|-]",
		help: `Encrypts event JSON into a base64 sealed result, the format the JavaScript agent returns,
so you can test "fpctl unseal" and your own backend without a browser.

Example:
  head -c 32 /dev/urandom | base64 > sealed.key
  fpctl --fake events get ` + DemoEventID + ` |
      fpctl seal --key-file sealed.key`,
		flags: func(fs *flag.FlagSet) (action, error) {
			o := &sealOpts{}
			fs.StringVar(&o.keyFile, "key-file", "", "file holding a base64 key (32 bytes)")
			return bind(o, runSeal), nil
		},
		offline: true,
	}
}

// webhookFlags registers the flags of the webhooks commands; withSig adds --signature.
func webhookFlags(fs *flag.FlagSet, withSig bool) *webhookOpts {
	o := &webhookOpts{}
	fs.StringVar(&o.secretFile, "secret-file", "", "file holding the webhook secret (default $"+envWebhookSecret+")")
	if withSig {
		fs.StringVar(&o.signature, "signature", "", "value of the "+webhook.SignatureHeader+" header")
	}
	return o
}

// webhooksVerifyCommand is the "fpctl webhooks verify" command.
func webhooksVerifyCommand() *command {
	return &command{
		path:    "webhooks verify",
		summary: "check a webhook body's signature (exit 0 valid, 1 invalid)",
		usage:   "webhooks verify --secret-file FILE --signature HEADER [FILE|-]",
		help: `Checks that the raw webhook body (FILE, or stdin) was signed with your webhook secret:
exit status 0 for a valid signature, 1 otherwise. --signature is the value of the
` + webhook.SignatureHeader + ` header. The secret comes from --secret-file (trailing
newlines ignored) or ` + envWebhookSecret + `.

Examples:
  printf 'my-webhook-secret' > webhook.secret
  fpctl --fake events get ` + DemoEventID + ` > body.json
  sig=$(fpctl webhooks sign --secret-file webhook.secret body.json)
  fpctl webhooks verify --secret-file webhook.secret --signature "$sig" \
      body.json && echo valid`,
		flags:   func(fs *flag.FlagSet) (action, error) { return bind(webhookFlags(fs, true), runVerify), nil },
		offline: true,
	}
}

// webhooksSignCommand is the "fpctl webhooks sign" command.
func webhooksSignCommand() *command {
	return &command{
		path:    "webhooks sign",
		summary: "print the signature header value for a webhook body",
		usage:   "webhooks sign --secret-file FILE [FILE|-]",
		help: `Prints the ` + webhook.SignatureHeader + ` header value ("v1=<hex>") that Fingerprint would send
with this body, to test your webhook endpoint.

Example:
  sig=$(fpctl webhooks sign --secret-file webhook.secret body.json)
  curl -X POST -H "` + webhook.SignatureHeader + `: $sig" --data-binary @body.json \
      http://localhost:8080/webhooks/fingerprint`,
		flags:   func(fs *flag.FlagSet) (action, error) { return bind(webhookFlags(fs, false), runSign), nil },
		offline: true,
	}
}

// readInput reads FILE, or stdin for "-" or no argument, up to maxInput bytes.
func readInput(ctx context.Context, env *Env, cmd string, args []string) ([]byte, error) {
	if len(args) > 1 {
		return nil, usagef("%s takes at most one input file, got %d", cmd, len(args))
	}
	if len(args) == 1 && args[0] != "-" {
		b, err := readFileBounded(ctx, args[0], maxInput)
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
			return nil, usagef("%s: %v", cmd, err)
		}
		return b, err
	}
	return readBounded(ctx, env.Stdin, maxInput, "stdin")
}

func runUnseal(ctx context.Context, a *app, o *unsealOpts, args []string) error {
	var raw []string
	for _, f := range o.keyFiles {
		k, err := readSecretFile(ctx, f)
		if err != nil {
			return fileFlagError("--key-file", err)
		}
		warnOpenPerms(a.env, "--key-file", f)
		raw = append(raw, k)
	}
	if len(raw) == 0 {
		raw = strings.FieldsFunc(a.env.Getenv(envSealedKeys), func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' })
	}
	if len(raw) == 0 {
		return usagef("unseal: no key: pass --key-file FILE or set %s", envSealedKeys)
	}
	keys := make([]sealed.Key, len(raw))
	for i, s := range raw {
		k, err := sealed.ParseKey(s)
		if err != nil {
			return usagef("unseal: key %d: %v", i+1, err)
		}
		keys[i] = k
	}
	in, err := readInput(ctx, a.env, "unseal", args)
	if err != nil {
		return err
	}
	ev, err := sealed.UnsealBase64(strings.TrimSpace(string(in)), keys, nil)
	if err != nil {
		return err
	}
	return writeEvent(a.env, ev)
}

func runSeal(ctx context.Context, a *app, o *sealOpts, args []string) error {
	if o.keyFile == "" {
		return usagef("seal: --key-file is required")
	}
	s, err := readSecretFile(ctx, o.keyFile)
	if err != nil {
		return fileFlagError("--key-file", err)
	}
	warnOpenPerms(a.env, "--key-file", o.keyFile)
	key, err := sealed.ParseKey(s)
	if err != nil {
		return usagef("seal: %v", err)
	}
	in, err := readInput(ctx, a.env, "seal", args)
	if err != nil {
		return err
	}
	blob, err := sealed.Seal(in, key)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(a.env.Stdout, base64.StdEncoding.EncodeToString(blob))
	return err
}

// webhookSecret reads --secret-file (only trailing newlines are dropped: the secret is
// used byte for byte) or the environment.
func (a *app) webhookSecret(ctx context.Context, o *webhookOpts) (string, error) {
	if o.secretFile != "" {
		b, err := readFileBounded(ctx, o.secretFile, maxSecretFile)
		if isTooLarge(err) {
			return "", usagef("--secret-file: %s is larger than %d bytes: not a secret file", o.secretFile, maxSecretFile)
		}
		if err != nil {
			return "", fileFlagError("--secret-file", err)
		}
		s := strings.TrimRight(string(b), "\r\n")
		if s == "" {
			return "", usagef("--secret-file: %s is empty", o.secretFile)
		}
		warnOpenPerms(a.env, "--secret-file", o.secretFile)
		return s, nil
	}
	if s := a.env.Getenv(envWebhookSecret); s != "" {
		return s, nil
	}
	return "", usagef("no webhook secret: pass --secret-file FILE or set %s", envWebhookSecret)
}

func runVerify(ctx context.Context, a *app, o *webhookOpts, args []string) error {
	secret, err := a.webhookSecret(ctx, o)
	if err != nil {
		return err
	}
	if strings.TrimSpace(o.signature) == "" {
		return usagef("webhooks verify: --signature is required (the %s header value)", webhook.SignatureHeader)
	}
	body, err := readInput(ctx, a.env, "webhooks verify", args)
	if err != nil {
		return err
	}
	if err := webhook.Verify(o.signature, body, secret); err != nil {
		if errors.Is(err, webhook.ErrMissingSecret) {
			return usagef("%v", err)
		}
		return &exitError{code: exitFailure, msg: err.Error()}
	}
	_, err = fmt.Fprintln(a.env.Stdout, "valid signature")
	return err
}

func runSign(ctx context.Context, a *app, o *webhookOpts, args []string) error {
	secret, err := a.webhookSecret(ctx, o)
	if err != nil {
		return err
	}
	body, err := readInput(ctx, a.env, "webhooks sign", args)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(a.env.Stdout, webhook.Sign(body, secret))
	return err
}

// fileFlagError reports a failed read of the file a flag names: a usage error (exit 2),
// except an interruption (Ctrl+C while the read was blocked on a FIFO), which stays one.
func fileFlagError(flag string, err error) error {
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("%s: %w", flag, err)
	}
	return usagef("%s: %v", flag, err)
}
