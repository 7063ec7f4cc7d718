package cli

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/fpgo/fingerprint-go/fingerprint"
)

// Environment variables read by the commands.
const (
	envSecretKey     = "FINGERPRINT_SECRET_API_KEY"
	envRegion        = "FINGERPRINT_REGION"
	envSealedKeys    = "FINGERPRINT_SEALED_KEYS"
	envWebhookSecret = "FINGERPRINT_WEBHOOK_SECRET"
)

// newClient builds the API client from the global flags. With --fake it starts the
// in-memory server first; close stops it.
func (a *app) newClient() (c *fingerprint.Client, close func(), err error) {
	g := a.g
	opts := []fingerprint.Option{fingerprint.WithTimeout(g.timeout), fingerprint.WithMaxRetries(g.retries)}
	if g.verbose {
		opts = append(opts, fingerprint.WithLogger(slog.New(slog.NewTextHandler(a.env.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	}
	close = func() {}
	var key string
	switch {
	case g.fake:
		srv, err := startFake(defaultFakeEvents, 1)
		if err != nil {
			return nil, nil, fmt.Errorf("start fake server: %w", err)
		}
		close = srv.Close
		key = srv.APIKey()
		opts = append(opts, fingerprint.WithBaseURL(srv.URL()))
	default:
		if key, err = a.secretKey(); err != nil {
			return nil, nil, err
		}
		if g.baseURL != "" {
			opts = append(opts, fingerprint.WithBaseURL(g.baseURL))
			if g.insecure {
				opts = append(opts, fingerprint.WithInsecurePlainHTTP())
			}
		} else if region := a.region(); region != "" {
			if !validRegion(region) {
				return nil, nil, usagef("%s must be us, eu or asia, got %q", envRegion, region)
			}
			opts = append(opts, fingerprint.WithRegion(fingerprint.Region(region)))
		}
	}
	c, err = fingerprint.NewClient(key, opts...)
	if err != nil {
		close()
		// Invalid base URL or malformed key: a configuration mistake (the key is never quoted).
		return nil, nil, &usageError{msg: strings.ReplaceAll(err.Error(), "add WithInsecurePlainHTTP()", "add --allow-insecure-http")}
	}
	return c, close, nil
}

func (a *app) region() string {
	if a.g.region != "" {
		return a.g.region
	}
	return strings.TrimSpace(a.env.Getenv(envRegion))
}

// secretKey reads the key from --api-key-file or the environment, never from argv,
// which other users can see and shells keep in their history.
func (a *app) secretKey() (string, error) {
	if f := a.g.apiKeyFile; f != "" {
		b, err := readSecretFile(a.ctx, f)
		if err != nil {
			return "", fileFlagError("--api-key-file", err)
		}
		warnOpenPerms(a.env, "--api-key-file", f)
		return b, nil
	}
	if k := strings.TrimSpace(a.env.Getenv(envSecretKey)); k != "" {
		return k, nil
	}
	return "", usagef("no secret API key: set %s or pass --api-key-file FILE (or try --fake)", envSecretKey)
}

// readSecretFile returns the trimmed content of a small file holding a key or secret,
// read to at most maxSecretFile bytes. Errors name the file, never its content.
func readSecretFile(ctx context.Context, name string) (string, error) {
	b, err := readFileBounded(ctx, name, maxSecretFile)
	if isTooLarge(err) {
		return "", fmt.Errorf("%s is larger than %d bytes: not a key file", name, maxSecretFile)
	}
	if err != nil {
		return "", err
	}
	s := strings.TrimSpace(string(b))
	if s == "" {
		return "", fmt.Errorf("%s is empty", name)
	}
	return s, nil
}
