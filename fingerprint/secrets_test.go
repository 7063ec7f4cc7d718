package fingerprint_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/sealed"
	"github.com/fpgo/fingerprint-go/fingerprint/webhook"
)

// secretsKey is the API key of TestNoValueFormatsASecret; the echo server puts it into
// bodies and headers.
const secretsKey = "sk_live_SECRET0123456789abcdefXYZ"

// leakForms are the forms of a secret that must never appear in output.
func leakForms(secret []byte) []string {
	return []string{string(secret), hex.EncodeToString(secret), base64.StdEncoding.EncodeToString(secret),
		base64.RawStdEncoding.EncodeToString(secret), base64.RawURLEncoding.EncodeToString(secret),
		fmt.Sprint(secret), fmt.Sprintf("%x", string(secret)), fmt.Sprintf("% x", secret), fmt.Sprintf("%#v", secret)}
}

// returnedValues collects every value this module returns that holds or has seen a
// secret: the client, the webhook handler, decryption keys, and every error type built
// from a response that echoes the key.
func returnedValues(t *testing.T) (map[string]any, [][]byte) {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		w.Header().Set("X-Echo", auth)
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/events/decode" {
			_, _ = w.Write([]byte(`<html>you sent ` + auth + `</html>`))
			return
		}
		w.WriteHeader(http.StatusBadRequest)
		// The key raw and JSON-escaped: the decoded message must not contain it either.
		_, _ = fmt.Fprintf(w, `{"error":{"code":"request_cannot_be_parsed","message":"bad %s \u0073k_live_SECRET0123456789abcdefXYZ"}}`, auth)
	}))
	t.Cleanup(srv.Close)
	c, err := fingerprint.NewClient(secretsKey, fingerprint.WithBaseURL(srv.URL), fingerprint.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	_, apiErr := c.GetEvent(context.Background(), "api", nil)
	var ae *fingerprint.APIError
	if !errors.As(apiErr, &ae) {
		t.Fatalf("want *APIError, got %v", apiErr)
	}
	_, decErr := c.GetEvent(context.Background(), "decode", nil)
	var de *fingerprint.DecodeError
	if !errors.As(decErr, &de) {
		t.Fatalf("want *DecodeError, got %v", decErr)
	}
	rawKey := []byte("0123456789abcdefghijklmnopqrstuv")
	dk := sealed.NewKey(rawKey, sealed.AlgorithmAES256GCM)
	parsed, err := sealed.ParseKey(base64.StdEncoding.EncodeToString(rawKey))
	if err != nil {
		t.Fatal(err)
	}
	blob, err := sealed.Seal([]byte(`{"event_id":"e","timestamp":1}`), dk)
	if err != nil {
		t.Fatal(err)
	}
	wrong := sealed.NewKey(bytes.Repeat([]byte{7}, 32), sealed.AlgorithmAES256GCM)
	_, unsealErr := sealed.Unseal(blob, []sealed.Key{wrong, sealed.NewKey(rawKey[:16], sealed.AlgorithmAES256GCM)}, nil)
	var ue *sealed.Error
	if !errors.As(unsealErr, &ue) || len(ue.KeyErrors) != 2 {
		t.Fatalf("want *sealed.Error with 2 key errors, got %v", unsealErr)
	}
	const webhookSecret = "whsec_SECRET_abcdefghijklmnop"
	h := webhook.Handler(webhookSecret, func(context.Context, *fingerprint.Event) error { return nil }, nil)
	values := map[string]any{
		"*Client":          c,
		"Client value":     *c,
		"webhook.Handler":  h,
		"sealed.Key":       dk,
		"parsed key":       parsed,
		"[]sealed.Key":     []sealed.Key{dk, parsed},
		"*APIError":        ae,
		"*DecodeError":     de,
		"*sealed.Error":    ue,
		"*sealed.KeyError": ue.KeyErrors[0],
		"wrapped errors":   errors.Join(apiErr, decErr, unsealErr),
	}
	return values, [][]byte{[]byte(secretsKey), rawKey, []byte(webhookSecret)}
}

type userExported struct{ V any }
type userUnexported struct{ v any }

// TestNoValueFormatsASecret formats every returned value with every fmt verb, alone and
// nested in exported and unexported fields of a user's struct, and through slog's text
// and JSON handlers, and checks that no form of any secret appears.
func TestNoValueFormatsASecret(t *testing.T) {
	values, secrets := returnedValues(t)
	var forms []string
	for _, s := range secrets {
		forms = append(forms, leakForms(s)...)
	}
	verbs := []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"}
	for name, v := range values {
		wrappers := map[string]any{
			"alone":             v,
			"exported field":    userExported{v},
			"unexported field":  userUnexported{v},
			"pointer to struct": &userUnexported{v},
			"in a slice":        []any{v},
			"in a map":          map[string]any{"k": v},
		}
		for wname, w := range wrappers {
			var outs []string
			for _, verb := range verbs {
				outs = append(outs, verb+" => "+fmt.Sprintf(verb, w))
			}
			for _, handler := range []string{"text", "json"} {
				var buf bytes.Buffer
				var hd slog.Handler = slog.NewTextHandler(&buf, nil)
				if handler == "json" {
					hd = slog.NewJSONHandler(&buf, nil)
				}
				slog.New(hd).Info("msg", "v", w, slog.Any("any", w))
				outs = append(outs, handler+" => "+buf.String())
			}
			for _, out := range outs {
				for _, f := range forms {
					if strings.Contains(out, f) {
						t.Errorf("%s, %s: output contains a secret (%q): %s", name, wname, f, out)
					}
				}
			}
		}
	}
}

// TestClientPrintsBaseURLOnly pins the redacted form.
func TestClientPrintsBaseURLOnly(t *testing.T) {
	c, err := fingerprint.NewClient(secretsKey, fingerprint.WithBaseURL("https://proxy.example/v4"))
	if err != nil {
		t.Fatal(err)
	}
	want := `fingerprint.Client{baseURL:"https://proxy.example/v4", key:[REDACTED]}`
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		if got := fmt.Sprintf(verb, c); got != want {
			t.Errorf("%s: %s, want %s", verb, got, want)
		}
	}
}

// TestRedactionWhateverTheKeyLength checks that a short key (which the old code never
// redacted) is withheld, and that a key cut at the end of a kept body leaves no prefix.
func TestRedactionWhateverTheKeyLength(t *testing.T) {
	for _, key := range []string{"k", "abc", "1234567", "12345678", secretsKey} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Echo", "key="+key)
			w.WriteHeader(http.StatusBadGateway)
			_, _ = w.Write([]byte("proxy error; token " + key + " rejected"))
		}))
		c, err := fingerprint.NewClient(key, fingerprint.WithBaseURL(srv.URL), fingerprint.WithMaxRetries(0))
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.GetEvent(context.Background(), "x", nil)
		srv.Close()
		var ae *fingerprint.APIError
		if !errors.As(err, &ae) || ae.StatusCode != http.StatusBadGateway {
			t.Fatalf("key %q: want a 502 *APIError, got %v", key, err)
		}
		for what, s := range map[string]string{"body": string(ae.Body), "header": ae.Header.Get("X-Echo"), "Error()": err.Error()} {
			if strings.Contains(s, key) {
				t.Errorf("key %q: %s contains it: %q", key, what, s)
			}
			if !strings.Contains(s, "[REDACTED]") {
				t.Errorf("key %q: %s shows no redaction: %q", key, what, s)
			}
		}
	}
}

// TestKeyCutAtTheBodyLimitIsNotKept sends an error body whose 64 KiB cut falls inside the key.
func TestKeyCutAtTheBodyLimitIsNotKept(t *testing.T) {
	const limit = 64 << 10
	for _, cut := range []int{1, 5, len(secretsKey) - 1} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusBadGateway)
			_, _ = w.Write([]byte(strings.Repeat("x", limit-cut) + secretsKey + strings.Repeat("y", 100)))
		}))
		c, _ := fingerprint.NewClient(secretsKey, fingerprint.WithBaseURL(srv.URL), fingerprint.WithMaxRetries(0))
		_, err := c.GetEvent(context.Background(), "x", nil)
		srv.Close()
		var ae *fingerprint.APIError
		if !errors.As(err, &ae) {
			t.Fatal(err)
		}
		if strings.Contains(string(ae.Body), secretsKey[:cut]) || len(ae.Body) > limit {
			t.Errorf("cut %d: body keeps %d bytes ending %q", cut, len(ae.Body), ae.Body[len(ae.Body)-20:])
		}
	}
}

// TestJSONEscapedKeyIsRedacted: a key echoed with JSON escapes (issue 17 §4) stayed in
// APIError.Body, and Error() printed it when the body had no error code.
func TestJSONEscapedKeyIsRedacted(t *testing.T) {
	escapes := map[string]string{
		"first letter":   `\u0073k_live_SECRET0123456789abcdefXYZ`,
		"underscore":     `sk\u005flive_SECRET0123456789abcdefXYZ`,
		"upper-case hex": `sk\u005Flive\u005FSECRET0123456789abcdefXYZ`,
		"every letter":   jsonEscapeAll(secretsKey),
		"at the end":     `sk_live_SECRET0123456789abcdefXY\u005a`,
	}
	for name, echo := range escapes {
		t.Run(name, func(t *testing.T) {
			for _, body := range []string{
				`{"message":"you sent ` + echo + `"}`, // no error code: Error() prints the body
				`{"error":{"code":"failed","message":"bad key ` + echo + `"}}`,
			} {
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("X-Echo", echo)
					w.WriteHeader(http.StatusInternalServerError)
					_, _ = io.WriteString(w, body)
				}))
				c, err := fingerprint.NewClient(secretsKey, fingerprint.WithBaseURL(srv.URL), fingerprint.WithMaxRetries(0))
				if err != nil {
					t.Fatal(err)
				}
				_, err = c.GetEvent(t.Context(), "x", nil)
				srv.Close()
				var ae *fingerprint.APIError
				if !errors.As(err, &ae) {
					t.Fatalf("want *APIError, got %v", err)
				}
				for what, text := range map[string]string{"Body": string(ae.Body), "Error()": err.Error(),
					"Message": ae.Message, "Header": ae.Header.Get("X-Echo")} {
					if strings.Contains(text, echo) || strings.Contains(text, "SECRET") || strings.Contains(text, `\u0053`) {
						t.Errorf("%s keeps the escaped key: %q", what, text)
					}
				}
				if !strings.Contains(string(ae.Body), "[REDACTED]") {
					t.Errorf("Body %q: want [REDACTED] in place of the key", ae.Body)
				}
			}
		})
	}
}

func jsonEscapeAll(s string) string {
	var b strings.Builder
	for _, r := range s {
		fmt.Fprintf(&b, `\u%04x`, r)
	}
	return b.String()
}

// TestEscapedKeyCutAtTheBodyLimitIsNotKept: an escaped key cut in two by the 64 KiB
// limit leaves no start of it in the copy.
func TestEscapedKeyCutAtTheBodyLimitIsNotKept(t *testing.T) {
	const limit = 64 << 10
	echo := jsonEscapeAll(secretsKey)
	for _, cut := range []int{1, 3, 7, 40, len(echo) - 1} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusBadGateway)
			_, _ = w.Write([]byte(strings.Repeat("x", limit-cut) + echo + strings.Repeat("y", 100)))
		}))
		c, _ := fingerprint.NewClient(secretsKey, fingerprint.WithBaseURL(srv.URL), fingerprint.WithMaxRetries(0))
		_, err := c.GetEvent(t.Context(), "x", nil)
		srv.Close()
		var ae *fingerprint.APIError
		if !errors.As(err, &ae) {
			t.Fatal(err)
		}
		if strings.Contains(string(ae.Body), echo[:cut]) || len(ae.Body) > limit {
			t.Errorf("cut %d: body keeps %d bytes ending %q", cut, len(ae.Body), ae.Body[len(ae.Body)-20:])
		}
	}
}
