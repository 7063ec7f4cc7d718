// Package node checks cmd/fingerprint-fake against the vendor's Node SDK
// (@fingerprint/node-sdk), a client this project did not write: conformance.mjs calls
// every method the SDK has against two running fakes and fails on any divergence.
//
// The SDK is installed by .ci/run (or by hand) into the ignored cache
//
//	npm install --prefix .cache/node-conformance @fingerprint/node-sdk@7.7.1
//
// and found there, or wherever FINGERPRINT_NODE_SDK_DIR points (the package directory).
// Without Node or the SDK the test skips and says why, unless
// FINGERPRINT_CONFORMANCE_REQUIRED=1 (set by .ci/run), which makes that a failure.
package node

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
	"github.com/fpgo/fingerprint-go/fingerprint/sealed"
	"github.com/fpgo/fingerprint-go/fingerprint/webhook"
	"github.com/fpgo/fingerprint-go/gen"
)

// SDKVersion is the pinned version .ci/run installs.
const SDKVersion = "7.7.1"

// config is what conformance.mjs reads (CONFORMANCE_CONFIG).
type config struct {
	URL           string `json:"url"`         // the main fake
	LimitedURL    string `json:"limited_url"` // a fake with -rate-limit 0.5 -burst 2
	Key           string `json:"key"`
	Ruleset       string `json:"ruleset"`
	DeviceEvents  int    `json:"device_events"` // device events in the default 7-day window
	EdgeEvents    int    `json:"edge_events"`
	BadBotEventID string `json:"bad_bot_event_id"`
	FreshEventID  string `json:"fresh_event_id"` // too fresh to update (-update-delay)
	OldEventID    string `json:"old_event_id"`   // older than one month
	Sealed        struct {
		Payload string          `json:"payload"` // base64 of a sealed.Seal result
		Key     string          `json:"key"`     // base64 of the AES-256 key
		Event   json.RawMessage `json:"event"`   // the event sealed
	} `json:"sealed"`
	Webhook struct {
		Body   string `json:"body"`   // base64 of the delivery body
		Header string `json:"header"` // webhook.Sign(body, secret)
		Secret string `json:"secret"`
	} `json:"webhook"`
}

const (
	seed     = 60 // device events the fake generates (plus seed/10 edge events)
	randSeed = 7
	apiKey   = "conformance_secret_key_42"
)

func TestNodeSDKConformance(t *testing.T) {
	sdkDir := findSDK(t)
	node, err := exec.LookPath("node")
	if err != nil {
		skipOrFail(t, "node is not on PATH")
	}
	script, err := filepath.Abs("conformance.mjs")
	if err != nil {
		t.Fatal(err)
	}
	// Read what node reads, so that go test's cache notices when they change.
	if _, err := os.ReadFile(script); err != nil {
		t.Fatal(err)
	}
	pkg, err := os.ReadFile(filepath.Join(sdkDir, "package.json"))
	if err != nil {
		skipOrFail(t, fmt.Sprintf("no package.json in %s: %v", sdkDir, err))
	}
	var meta struct{ Version string }
	_ = json.Unmarshal(pkg, &meta)
	t.Logf("@fingerprint/node-sdk %s from %s", meta.Version, sdkDir)

	dir := t.TempDir()
	bin := buildFake(t, dir)
	now := time.Now()
	fixtures := []gen.Event{
		{EventID: fmt.Sprintf("%d.fresh0", now.UnixMilli()), Timestamp: now.UnixMilli()},
		{EventID: fmt.Sprintf("%d.badbot", now.Add(-time.Hour).UnixMilli()), Timestamp: now.Add(-time.Hour).UnixMilli(), Bot: ptr(gen.BotResultBad)},
		{EventID: fmt.Sprintf("%d.old000", now.AddDate(0, 0, -40).UnixMilli()), Timestamp: now.AddDate(0, 0, -40).UnixMilli()},
	}
	eventsFile := filepath.Join(dir, "events.json")
	writeJSON(t, eventsFile, fixtures)

	common := []string{"-addr", "127.0.0.1:0", "-key", apiKey, "-rand", fmt.Sprint(randSeed)}
	cfg := config{
		URL: startFake(t, bin, append(common, "-seed", fmt.Sprint(seed), "-events", eventsFile,
			"-update-delay", "1h", "-delete-quota-hour", "3")...),
		LimitedURL:    startFake(t, bin, append(common, "-seed", "5", "-rate-limit", "0.5", "-burst", "2")...),
		Key:           apiKey,
		Ruleset:       "rs_demo",
		DeviceEvents:  seed + 2, // the fresh and the bad-bot fixtures; the old one is outside the window
		EdgeEvents:    seed / 10,
		FreshEventID:  fixtures[0].EventID,
		BadBotEventID: fixtures[1].EventID,
		OldEventID:    fixtures[2].EventID,
	}
	sealedAndSigned(t, &cfg)
	cfgFile := filepath.Join(dir, "config.json")
	writeJSON(t, cfgFile, cfg)

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, script)
	cmd.Env = append(os.Environ(), "FINGERPRINT_NODE_SDK_DIR="+sdkDir, "CONFORMANCE_CONFIG="+cfgFile)
	cmd.Stderr = &prefixWriter{t: t, prefix: "node stderr: "}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var failed []string
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		line := sc.Text()
		t.Log(line)
		if strings.HasPrefix(line, "FAIL ") {
			failed = append(failed, line)
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("conformance.mjs: %v; %d divergences:\n%s", err, len(failed), strings.Join(failed, "\n"))
	}
}

// findSDK returns the directory of the installed @fingerprint/node-sdk package.
func findSDK(t *testing.T) string {
	t.Helper()
	if dir := os.Getenv("FINGERPRINT_NODE_SDK_DIR"); dir != "" {
		return dir
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, ".cache", "node-conformance", "node_modules", "@fingerprint", "node-sdk")
	if _, err := os.Stat(filepath.Join(dir, "dist", "index.mjs")); err != nil {
		skipOrFail(t, fmt.Sprintf("the vendor's Node SDK is not installed in %s; install it with "+
			"`npm install --prefix .cache/node-conformance @fingerprint/node-sdk@%s` or run .ci/run", dir, SDKVersion))
	}
	return dir
}

func skipOrFail(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("FINGERPRINT_CONFORMANCE_REQUIRED") == "1" {
		t.Fatal("FINGERPRINT_CONFORMANCE_REQUIRED=1 but " + why)
	}
	t.Skip("Node SDK conformance skipped: " + why)
}

// buildFake builds cmd/fingerprint-fake into dir.
func buildFake(t *testing.T, dir string) string {
	t.Helper()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to build cmd/fingerprint-fake: %v", err)
	}
	bin := filepath.Join(dir, "fingerprint-fake")
	cmd := exec.CommandContext(t.Context(), goCmd, "build", "-o", bin, "github.com/fpgo/fingerprint-go/cmd/fingerprint-fake")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/fingerprint-fake: %v\n%s", err, out)
	}
	return bin
}

// startFake runs the fake with args until the test ends and returns its base URL.
func startFake(t *testing.T, bin string, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), bin, args...) // killed when the test ends
	cmd.Stderr = &prefixWriter{t: t, prefix: "fake stderr: "}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "base URL:"); ok {
				urls <- strings.TrimSpace(v)
			}
		}
		close(urls)
	}()
	select {
	case u, ok := <-urls:
		if !ok {
			t.Fatalf("fingerprint-fake %v exited without printing its URL", args)
		}
		return u
	case <-time.After(time.Minute):
		t.Fatalf("fingerprint-fake %v did not start", args)
	}
	return ""
}

// sealedAndSigned fills in the sealed result and the webhook delivery, made with this SDK's
// sealed.Seal and webhook.Sign, for the Node SDK to open and verify.
func sealedAndSigned(t *testing.T, cfg *config) {
	t.Helper()
	ev, err := json.Marshal(fingerprinttest.FullEvent())
	if err != nil {
		t.Fatal(err)
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	payload, err := sealed.Seal(ev, sealed.NewKey(key, sealed.AlgorithmAES256GCM))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Sealed.Payload = base64.StdEncoding.EncodeToString(payload)
	cfg.Sealed.Key = base64.StdEncoding.EncodeToString(key)
	cfg.Sealed.Event = ev
	const secret = "conformance webhook secret"
	cfg.Webhook.Body = base64.StdEncoding.EncodeToString(ev)
	cfg.Webhook.Header = webhook.Sign(ev, secret)
	cfg.Webhook.Secret = secret
}

func writeJSON(t *testing.T, name string, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// prefixWriter logs what a child process writes to stderr.
type prefixWriter struct {
	t      *testing.T
	prefix string
}

func (w *prefixWriter) Write(b []byte) (int, error) {
	for line := range strings.Lines(string(b)) {
		w.t.Log(w.prefix + strings.TrimRight(line, "\n"))
	}
	return len(b), nil
}

func ptr[T any](v T) *T { return &v }
