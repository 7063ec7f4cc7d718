package main

import (
	"bytes"
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
	"github.com/fpgo/fingerprint-go/fingerprint/sealed"
)

// TestKeyNeverInAnyOutput runs every command, successes and failures, with --verbose,
// against a server whose error pages echo the key, and greps everything printed.
func TestKeyNeverInAnyOutput(t *testing.T) {
	srv := newFake(t, append(fingerprinttest.NewGenerator(2).Events(150), fingerprinttest.FullEvent()))
	demo := fingerprinttest.FullEvent()
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	keyFile := write("key", knownKey+"\n")
	sealKey := write("seal.key", base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32)))
	secret := write("webhook.secret", "whsec")
	body := write("body.json", `{"event_id":"1.abcdef","timestamp":1}`)
	eventJSON := write("event.json", `{"event_id":"1708102555327.NLOjmg","timestamp":1708102555327}`)
	ev, _ := sealed.Seal([]byte(`{"event_id":"1708102555327.NLOjmg","timestamp":1708102555327}`), mustKey(t, sealKey))
	sealed := write("sealed.txt", base64.StdEncoding.EncodeToString(ev))
	echo := fingerprinttest.Fault{Status: 502, Body: []byte("<html>upstream rejected Bearer " + knownKey + "</html>")}

	u := srv.URL()
	runs := []struct {
		args  []string
		fault *fingerprinttest.Fault
	}{
		{args: []string{"help"}},
		{args: []string{"version"}},
		{args: []string{"events", "get", demo.EventID, "--base-url", u, "--verbose"}},
		{args: []string{"events", "get", "1.nope", "--base-url", u, "--verbose"}},
		{args: []string{"events", "get", demo.EventID, "--base-url", u, "--verbose", "--retries", "0"}, fault: &echo},
		{args: []string{"events", "get", demo.EventID, "--base-url", u, "--api-key-file", keyFile}},
		{args: []string{"events", "get", demo.EventID, "--base-url", "http://127.0.0.1:1/v4", "--retries", "0", "--verbose"}},
		{args: []string{"events", "search", "--base-url", u, "--verbose", "--total-hits", "10"}},
		{args: []string{"events", "search", "--base-url", u, "--format", "json", "--max", "5"}},
		{args: []string{"events", "search", "--base-url", u, "--format", "csv", "--max", "5"}},
		{args: []string{"events", "search", "--base-url", u, "--format", "table", "--max", "5"}},
		{args: []string{"events", "search", "--base-url", u, "--retries", "0", "--verbose"}, fault: &echo},
		{args: []string{"events", "search", "--limit", "0"}},
		{args: []string{"events", "update", demo.EventID, "--base-url", u, "--suspect", "--verbose"}},
		{args: []string{"events", "update", demo.EventID, "--base-url", u, "--tag", "a=b", "--retries", "0"}, fault: &echo},
		{args: []string{"visitors", "delete", "--base-url", u, "--rate", "100/s", "--verbose", "v1", demo.Identification.VisitorID}},
		{args: []string{"visitors", "delete", "--base-url", u, "--rate", "100/s", "--retries", "0", "v2"}, fault: &echo},
		{args: []string{"visitors", "delete", "--dry-run", "v3"}},
		{args: []string{"unseal", "--key-file", sealKey, sealed}},
		{args: []string{"unseal", "--key-file", keyFile, sealed}},
		{args: []string{"seal", "--key-file", sealKey, eventJSON}},
		{args: []string{"webhooks", "sign", "--secret-file", secret, body}},
		{args: []string{"webhooks", "verify", "--secret-file", secret, "--signature", "v1=00", body}},
		{args: []string{"--region", "eu", "events", "get", "X", "--timeout", "1ms", "--retries", "0"}},
		{args: []string{"--fake", "events", "search", "--max", "3", "--verbose"}},
	}
	for _, r := range runs {
		if r.fault != nil {
			if err := srv.FailNext(1, *r.fault); err != nil {
				t.Fatal(err)
			}
		}
		res := runCmd(t, command(t, r.args...))
		if strings.Contains(res.stdout+res.stderr, knownKey) {
			t.Errorf("fpctl %s printed the key:\nstdout: %s\nstderr: %s", strings.Join(r.args, " "), res.stdout, res.stderr)
		}
		if r.fault != nil && !strings.Contains(res.stderr, "502") {
			t.Errorf("fpctl %s: stderr %q lacks the status", strings.Join(r.args, " "), res.stderr)
		}
	}

	// The fake command prints its own (public) test key, never the caller's.
	cmd := command(t, "fake", "--seed", "5")
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(out.String(), "Press Ctrl+C") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	_ = cmd.Process.Signal(os.Interrupt)
	_ = cmd.Wait()
	if !strings.Contains(out.String(), fingerprinttest.DefaultAPIKey) || strings.Contains(out.String(), knownKey) {
		t.Errorf("fake banner: %s", out.String())
	}
}

func mustKey(t *testing.T, file string) sealed.Key {
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	k, err := sealed.ParseKey(string(b))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestBinaryDependenciesStayOutOfPackageFingerprint: the CLI's own dependencies must
// not reach users of the SDK.
func TestBinaryDependenciesStayOutOfPackageFingerprint(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not on PATH: cannot list package dependencies")
	}
	out, err := exec.CommandContext(t.Context(), goTool, "list", "-deps", "github.com/fpgo/fingerprint-go/fingerprint").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, banned := range []string{"golang.org/x/time", "golang.org/x/term", "github.com/rogpeppe/go-internal", "/cmd/fpctl"} {
			if strings.Contains(dep, banned) {
				t.Errorf("package fingerprint depends on %s", dep)
			}
		}
	}
	// The CLI uses x/term, so the check above is not vacuous.
	out, err = exec.CommandContext(t.Context(), goTool, "list", "-deps", "github.com/fpgo/fingerprint-go/cmd/fpctl").Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "golang.org/x/term\n") {
		t.Errorf("cmd/fpctl does not depend on golang.org/x/term")
	}
	// The SDK's tests use x/time/rate with WithRateLimiter (the package itself must not).
	out, err = exec.CommandContext(t.Context(), goTool, "list", "-deps", "-test", "github.com/fpgo/fingerprint-go/fingerprint").Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "golang.org/x/time/rate\n") {
		t.Errorf("the tests of package fingerprint do not use golang.org/x/time/rate")
	}
}
