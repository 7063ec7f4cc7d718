package webhook_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/webhook"
)

// The vendor's documented example: secret "secret", body "data".
const vendorExampleSignature = "v1=1b2c16b75bd2a870c114153ccda5bcfca63314bc722fa160d690de133ccbb9db"

func TestSign_VendorExample(t *testing.T) {
	t.Parallel()
	if err := webhook.Verify(vendorExampleSignature, []byte("data"), "secret"); err != nil {
		t.Errorf("vendor example does not verify: %v", err)
	}
	if got := webhook.Sign([]byte("data"), "secret"); got != vendorExampleSignature {
		t.Errorf("Sign = %q, want %q", got, vendorExampleSignature)
	}
}

func TestVerify(t *testing.T) {
	t.Parallel()
	const secret = "whsec-test-1"
	body := []byte(`{"event_id":"1.a","timestamp":1}`)
	good := webhook.Sign(body, secret)
	goodHex := strings.TrimPrefix(good, "v1=")
	other := strings.TrimPrefix(webhook.Sign(body, "another secret"), "v1=")

	cases := []struct {
		name   string
		header string
		body   []byte
		secret string
		want   error // nil means valid
	}{
		{name: "valid", header: good, body: body, secret: secret, want: nil},
		{name: "upper-case hex", header: "v1=" + strings.ToUpper(goodHex), body: body, secret: secret, want: nil},
		{name: "upper-case version", header: "V1=" + goodHex, body: body, secret: secret, want: nil},
		{name: "second of several", header: "v1=" + other + ",v1=" + goodHex, body: body, secret: secret, want: nil},
		{name: "whitespace around entries", header: "  v1=" + other + " ,\tv1 = " + goodHex + " ", body: body, secret: secret, want: nil},
		{name: "unknown versions ignored", header: "v0=abc,v2=" + goodHex + ",v1=" + goodHex + ",x", body: body, secret: secret, want: nil},
		{name: "empty entries ignored", header: ",,v1=" + goodHex + ",,", body: body, secret: secret, want: nil},

		{name: "empty secret", header: good, body: body, secret: "", want: webhook.ErrMissingSecret},
		{name: "empty secret with matching empty-key mac", header: webhook.Sign(body, ""), body: body, secret: "", want: webhook.ErrMissingSecret},
		{name: "empty header", header: "", body: body, secret: secret, want: webhook.ErrMissingSignature},
		{name: "blank header", header: "  \t", body: body, secret: secret, want: webhook.ErrMissingSignature},
		{name: "only unknown versions", header: "v2=" + goodHex, body: body, secret: secret, want: webhook.ErrMissingSignature},
		{name: "bare hex without version", header: goodHex, body: body, secret: secret, want: webhook.ErrMissingSignature},
		{name: "wrong secret", header: "v1=" + other, body: body, secret: secret, want: webhook.ErrInvalidSignature},
		{name: "body changed", header: good, body: append([]byte(" "), body...), secret: secret, want: webhook.ErrInvalidSignature},
		{name: "empty body", header: good, body: nil, secret: secret, want: webhook.ErrInvalidSignature},
		{name: "truncated hex", header: good[:len(good)-2], body: body, secret: secret, want: webhook.ErrInvalidSignature},
		{name: "odd-length hex", header: good[:len(good)-1], body: body, secret: secret, want: webhook.ErrInvalidSignature},
		{name: "not hex", header: "v1=" + strings.Repeat("zz", 32), body: body, secret: secret, want: webhook.ErrInvalidSignature},
		{name: "empty v1 value", header: "v1=", body: body, secret: secret, want: webhook.ErrInvalidSignature},
		{name: "mac with extra byte", header: good + "00", body: body, secret: secret, want: webhook.ErrInvalidSignature},
		{name: "prefix of right hex is not enough", header: "v1=" + goodHex[:32], body: body, secret: secret, want: webhook.ErrInvalidSignature},
		{name: "base64 instead of hex", header: "v1=GywWt1vSqHDBFBU8zaW8/KYzFLxyL6Fg1pDeEzzLuds=", body: []byte("data"), secret: "secret", want: webhook.ErrInvalidSignature},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := webhook.Verify(tc.header, tc.body, tc.secret)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if tc.secret != "" && strings.Contains(err.Error(), tc.secret) {
				t.Errorf("error reveals the secret: %v", err)
			}
		})
	}
}

type webhookRecorder struct {
	calls  atomic.Int32
	last   atomic.Pointer[fingerprint.Event]
	ctxVal atomic.Value
	err    error
}

type ctxKey struct{}

func (rec *webhookRecorder) fn(ctx context.Context, ev *fingerprint.Event) error {
	rec.calls.Add(1)
	rec.last.Store(ev)
	if v := ctx.Value(ctxKey{}); v != nil {
		rec.ctxVal.Store(v)
	}
	return rec.err
}

func post(t *testing.T, h http.Handler, method string, body []byte, sig string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequestWithContext(context.WithValue(t.Context(), ctxKey{}, "from-request"), method, "/webhooks/fingerprint", strings.NewReader(string(body)))
	if sig != "" {
		req.Header.Set(webhook.SignatureHeader, sig)
	}
	rr := httptest.NewRecorder()
	h.ServeHTTP(rr, req)
	return rr
}

func TestHandler(t *testing.T) {
	t.Parallel()
	const secret = "whsec-handler-7f3a"
	body := fresh(readFixture(t, "event.json")) // any valid Event JSON
	sig := webhook.Sign(body, secret)
	notJSON := []byte("this is not json")
	emptyEvent := []byte(`{}`)
	callbackErr := errors.New("database is down: password=hunter2")

	cases := []struct {
		name       string
		method     string
		body       []byte
		sig        string
		secret     string
		cbErr      error
		maxBody    int64
		wantStatus int
		wantCalls  int32
	}{
		{name: "success", method: http.MethodPost, body: body, sig: sig, secret: secret, cbErr: nil, maxBody: 0, wantStatus: 200, wantCalls: 1},
		{name: "GET", method: http.MethodGet, body: nil, sig: "", secret: secret, cbErr: nil, maxBody: 0, wantStatus: 405, wantCalls: 0},
		{name: "PUT with valid signature", method: http.MethodPut, body: body, sig: sig, secret: secret, cbErr: nil, maxBody: 0, wantStatus: 405, wantCalls: 0},
		{name: "missing signature", method: http.MethodPost, body: body, sig: "", secret: secret, cbErr: nil, maxBody: 0, wantStatus: 401, wantCalls: 0},
		{name: "wrong signature", method: http.MethodPost, body: body, sig: webhook.Sign(body, "nope"), secret: secret, cbErr: nil, maxBody: 0, wantStatus: 401, wantCalls: 0},
		{name: "bad body with bad signature is 401, not 400", method: http.MethodPost, body: notJSON, sig: "v1=00", secret: secret, cbErr: nil, maxBody: 0, wantStatus: 401, wantCalls: 0},
		{name: "signed body that is not JSON", method: http.MethodPost, body: notJSON, sig: webhook.Sign(notJSON, secret), secret: secret, cbErr: nil, maxBody: 0, wantStatus: 400, wantCalls: 0},
		{name: "signed body that is not an event", method: http.MethodPost, body: emptyEvent, sig: webhook.Sign(emptyEvent, secret), secret: secret, cbErr: nil, maxBody: 0, wantStatus: 400, wantCalls: 0},
		{name: "body over the limit", method: http.MethodPost, body: body, sig: sig, secret: secret, cbErr: nil, maxBody: int64(len(body) - 1), wantStatus: 413, wantCalls: 0},
		{name: "body at the limit", method: http.MethodPost, body: body, sig: sig, secret: secret, cbErr: nil, maxBody: int64(len(body)), wantStatus: 200, wantCalls: 1},
		{name: "callback fails", method: http.MethodPost, body: body, sig: sig, secret: secret, cbErr: callbackErr, maxBody: 0, wantStatus: 500, wantCalls: 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := &webhookRecorder{err: tc.cbErr}
			var hookStatus atomic.Int32
			var hookErr atomic.Value
			h := webhook.Handler(tc.secret, rec.fn, &webhook.HandlerOptions{
				MaxBodyBytes: tc.maxBody,
				OnError: func(_ *http.Request, status int, err error) {
					hookStatus.Store(int32(status))
					hookErr.Store(err)
				},
			})
			rr := post(t, h, tc.method, tc.body, tc.sig)
			if rr.Code != tc.wantStatus {
				t.Fatalf("status %d, want %d (body %q)", rr.Code, tc.wantStatus, rr.Body.String())
			}
			if got := rec.calls.Load(); got != tc.wantCalls {
				t.Errorf("callback called %d times, want %d", got, tc.wantCalls)
			}
			resp := rr.Body.String()
			for _, secretish := range []string{"hunter2", "whsec-handler-7f3a", strings.TrimPrefix(tc.sig, "v1=")} {
				if secretish != "" && strings.Contains(resp, secretish) {
					t.Errorf("response %q echoes %q", resp, secretish)
				}
			}
			if tc.wantStatus == 200 {
				if ev := rec.last.Load(); ev == nil || ev.EventID != "1760000000123.Ab3xYz" {
					t.Errorf("callback got %+v", ev)
				}
				if rec.ctxVal.Load() != "from-request" {
					t.Error("callback did not get the request's context")
				}
				if hookStatus.Load() != 0 {
					t.Errorf("OnError called on success with %d", hookStatus.Load())
				}
				return
			}
			if int(hookStatus.Load()) != tc.wantStatus {
				t.Errorf("OnError status %d, want %d", hookStatus.Load(), tc.wantStatus)
			}
			if tc.wantStatus == 405 && rr.Header().Get("Allow") != http.MethodPost {
				t.Errorf("Allow header %q", rr.Header().Get("Allow"))
			}
			if tc.cbErr != nil {
				if err, _ := hookErr.Load().(error); !errors.Is(err, tc.cbErr) {
					t.Errorf("OnError got %v, want the callback error wrapped", err)
				}
			}
		})
	}
}

func TestHandler_DefaultBodyLimit(t *testing.T) {
	t.Parallel()
	const secret = "s3cr3t"
	rec := &webhookRecorder{}
	h := webhook.Handler(secret, rec.fn, nil)
	big := []byte(`{"event_id":"1.a","timestamp":1,"pad":"` + strings.Repeat("x", webhook.DefaultMaxBodyBytes) + `"}`)
	if rr := post(t, h, http.MethodPost, big, webhook.Sign(big, secret)); rr.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("status %d, want 413", rr.Code)
	}
	if rec.calls.Load() != 0 {
		t.Error("callback called for an oversized body")
	}
}

// TestHandler_OverHTTP runs the handler behind a real server and a router, the way
// it is deployed, and checks the response a sender sees.
func TestHandler_OverHTTP(t *testing.T) {
	t.Parallel()
	const secret = "over-http"
	rec := &webhookRecorder{}
	mux := http.NewServeMux()
	mux.Handle("/hooks/fp", webhook.Handler(secret, rec.fn, nil))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	body := fresh(readFixture(t, "event.json"))
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+"/hooks/fp", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("fpjs-event-signature", webhook.Sign(body, secret)) // header names are case-insensitive
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	if res.StatusCode != http.StatusOK || rec.calls.Load() != 1 {
		t.Fatalf("status %d, calls %d", res.StatusCode, rec.calls.Load())
	}
}

// TestHandler_VendorExamplePayload checks that the vendor's published webhook
// example decodes. The reference is outside the repository; CI provides it.
func TestHandler_VendorExamplePayload(t *testing.T) {
	t.Parallel()
	path := filepath.Join("..", "..", "shared", "reference", "examples", "webhook_event.json")
	body, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("vendor reference not present at %s; CI provides it", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	body = fresh(body)
	rec := &webhookRecorder{}
	h := webhook.Handler("secret", rec.fn, nil)
	if rr := post(t, h, http.MethodPost, body, webhook.Sign(body, "secret")); rr.Code != 200 {
		t.Fatalf("status %d: %s", rr.Code, rr.Body.String())
	}
	if ev := rec.last.Load(); ev == nil || ev.EventID == "" || ev.Timestamp == 0 {
		t.Errorf("decoded %+v", ev)
	}
}

func BenchmarkVerifyWebhookSignature(b *testing.B) {
	body := readFixture(b, "event.json")
	const secret = "bench-secret"
	header := "v1=" + strings.Repeat("0", 64) + ", " + webhook.Sign(body, secret)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if err := webhook.Verify(header, body, secret); err != nil {
			b.Fatal(err)
		}
	}
}

// TestHandler_DeviceDetails: a webhook body from a mobile SDK event keeps its
// device_details; os_version stays the string sent ("17.4.1", not a parsed version).
func TestHandler_DeviceDetails(t *testing.T) {
	t.Parallel()
	const secret = "whsec-device-details"
	body, err := os.ReadFile(filepath.Join("..", "..", "testdata", "wire", "event_mobile_ios.json"))
	if err != nil {
		t.Fatal(err)
	}
	body = fresh(body)
	var rec webhookRecorder
	rr := post(t, webhook.Handler(secret, rec.fn, nil), http.MethodPost, body, webhook.Sign(body, secret))
	if rr.Code != http.StatusOK || rec.calls.Load() != 1 {
		t.Fatalf("status %d, %d calls; want 200 and 1 call", rr.Code, rec.calls.Load())
	}
	d := rec.last.Load().DeviceDetails
	if d == nil || d.DeviceManufacturer == nil || d.DeviceModel == nil || d.OSVersion == nil {
		t.Fatalf("DeviceDetails = %+v, want all three fields", d)
	}
	if *d.DeviceManufacturer != "Apple" || *d.DeviceModel != "D73AP" || *d.OSVersion != "17.4.1" {
		t.Errorf("DeviceDetails = %q %q %q, want Apple D73AP 17.4.1", *d.DeviceManufacturer, *d.DeviceModel, *d.OSVersion)
	}
}

// readFixture returns testdata/name: any valid Event JSON for event.json.
// fresh gives an event body the current time, as a delivery has: the handler refuses
// events older than MaxEventAge.
func fresh(body []byte) []byte {
	return timestampField.ReplaceAll(body, []byte(`"timestamp":`+strconv.FormatInt(time.Now().UnixMilli(), 10)))
}

var timestampField = regexp.MustCompile(`"timestamp":\s*\d+`)

func readFixture(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
