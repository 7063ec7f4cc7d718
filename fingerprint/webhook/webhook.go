// Package webhook receives Fingerprint webhook deliveries: it verifies the
// FPJS-Event-Signature header of a delivery (Verify), serves deliveries as an
// http.Handler that calls your function with the decoded Event (Handler), and signs
// payloads for your own tests (Sign).
//
// A delivery is authentic when one v1 entry of its signature header is the HMAC-SHA256
// of the raw body keyed with the webhook secret from the dashboard. Handler checks the
// method, limits the body's size and the time to receive it, verifies the signature
// before it parses anything, and answers 200 only when your function succeeded, so
// Fingerprint retries failed deliveries. Deliveries can repeat: use Event.EventID to make
// your function idempotent.
//
// Handler panics at construction, as net/http does for a nil handler, when its
// configuration could only fail every delivery (an empty secret, a nil callback).
package webhook

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/internal/eventjson"
	"github.com/fpgo/fingerprint-go/internal/secret"
)

// SignatureHeader is the request header that carries webhook signatures: a
// comma-separated list of "<version>=<hash>" entries, where v1 is the hex HMAC-SHA256 of
// the raw body keyed with the webhook secret.
const SignatureHeader = "FPJS-Event-Signature"

// DefaultMaxBodyBytes is the default request body limit of Handler.
// Events are a few KiB.
const DefaultMaxBodyBytes = 1 << 20

// Sentinel errors returned (wrapped) by Verify, and passed (wrapped) to
// HandlerOptions.OnError. Test with errors.Is.
var (
	// ErrMissingSecret means the webhook secret is empty: a configuration error, never a pass.
	ErrMissingSecret = errors.New("fingerprint: webhook secret is empty")
	// ErrMissingSignature means the signature header is empty or has no v1 entry.
	ErrMissingSignature = errors.New("fingerprint: missing webhook signature")
	// ErrInvalidSignature means no v1 entry matches the body.
	ErrInvalidSignature = errors.New("fingerprint: invalid webhook signature")
	// ErrInvalidEvent means an authentic body is not a valid Event: not a JSON object
	// of the right shape, or missing event_id or timestamp (answered with 400).
	ErrInvalidEvent = eventjson.ErrInvalidEvent
)

// Sign returns the signature header value ("v1=<hex>") for body, as the
// Fingerprint servers compute it. Use it in your own tests to sign fake deliveries.
func Sign(body []byte, secret string) string {
	return "v1=" + hex.EncodeToString(webhookMAC(body, secret))
}

func webhookMAC(body []byte, secret string) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return m.Sum(nil)
}

// Verify checks the value of the FPJS-Event-Signature header against the
// raw request body. It returns nil if any v1 entry matches. Entries may be surrounded by
// whitespace, hex digits may be in either case, and entries of unknown versions are
// ignored. Comparison is constant-time. An empty secret or header is an error, never a pass.
//
// Errors wrap ErrMissingSecret, ErrMissingSignature or ErrInvalidSignature; they never
// contain the secret.
func Verify(header string, body []byte, secret string) error {
	if secret == "" {
		return ErrMissingSecret
	}
	if strings.TrimSpace(header) == "" {
		return ErrMissingSignature
	}
	var want []byte // computed lazily: a header without v1 entries needs no HMAC
	seenV1, malformed := 0, 0
	for entry := range strings.SplitSeq(header, ",") {
		version, value, ok := strings.Cut(strings.TrimSpace(entry), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(version), "v1") {
			continue
		}
		seenV1++
		got, err := hex.DecodeString(strings.TrimSpace(value))
		if err != nil || len(got) != sha256.Size {
			malformed++
			continue
		}
		if want == nil {
			want = webhookMAC(body, secret)
		}
		if hmac.Equal(got, want) {
			return nil
		}
	}
	switch {
	case seenV1 == 0:
		return fmt.Errorf("%w: no v1 entry in %s", ErrMissingSignature, SignatureHeader)
	case malformed > 0:
		return fmt.Errorf("%w: %d of %d v1 entries are not 64 hex digits, none of the others match",
			ErrInvalidSignature, malformed, seenV1)
	default:
		return ErrInvalidSignature
	}
}

// HandlerOptions holds the optional settings of Handler. It is passed by pointer; nil
// or the zero value means defaults.
type HandlerOptions struct {
	// MaxBodyBytes limits the request body; larger bodies get 413. Zero or negative means
	// DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// ReadTimeout bounds the time to receive the whole request body, from the moment the
	// handler starts; a body that is not complete by then gets 408 and the connection is
	// closed (promptly when the ResponseWriter supports read deadlines, as net/http's
	// does; see the repository's docs/guide.md, "Webhooks", otherwise). Zero or negative means DefaultReadTimeout. The
	// http.Server's own ReadTimeout, which net/http counts from the start of the request
	// (headers included), is never extended: whichever ends first applies. Set the
	// server's timeouts as well: they also bound the headers, which arrive before any
	// handler runs.
	ReadTimeout time.Duration
	// OnError, if set, is called for every delivery that is not answered with 200, with
	// the status sent and the reason (for logging and metrics). The reason never contains
	// the secret; for a callback failure it is the callback's error, wrapped.
	OnError func(r *http.Request, status int, err error)
	// MaxEventAge refuses a delivery whose event's timestamp is older than this (400,
	// not retried), so a captured delivery cannot be replayed forever: the signature has
	// no timestamp of its own. Zero means DefaultMaxEventAge; negative turns the check off.
	MaxEventAge time.Duration
	// Seen, if set, is asked after the signature and the age are checked, before fn,
	// whether the event was already processed; if so the delivery is answered 200 without
	// calling fn, and a replay within MaxEventAge does nothing. Record the event ID where
	// fn commits its work (the same transaction, ideally), not in Seen: a delivery whose
	// fn failed must be processed when it is retried. An error from Seen answers 500, so
	// the delivery is retried. Two copies arriving at once can both pass Seen; fn must
	// still be idempotent.
	Seen func(ctx context.Context, eventID string) (bool, error)
}

// DefaultMaxEventAge is how old an event a delivery may carry by default. Fingerprint
// retries a failed delivery once, about 5 minutes later; an hour leaves room for that,
// for delays in delivery and for clock skew between its servers and yours.
const DefaultMaxEventAge = time.Hour

// errStale is wrapped by the error OnError receives for a delivery whose event is older
// than MaxEventAge.
var errStale = errors.New("fingerprint: webhook: event older than MaxEventAge (a replay or a very late delivery)")

// Handler returns an http.Handler that receives webhook deliveries: it accepts POST only
// (405 otherwise), limits the body (DefaultMaxBodyBytes, 413 beyond) and the time to
// receive it (DefaultReadTimeout, 408 beyond), verifies the signature before looking at
// the body (401), decodes the Event (400), and calls fn with the request's context. It
// answers 200 only when fn returns nil and 500 when fn fails, so the delivery can be
// retried. Responses are short fixed texts that never echo the secret or the callback's
// error. opts may be nil.
//
// Deliveries can be repeated; use Event.EventID to make fn idempotent. The handler works
// with any router: mount it on the path you registered in the dashboard.
//
// Replay: the signature covers the body only, with no timestamp, so anyone who obtained
// a delivery (from a log, a proxy, a backup) can send it again and it verifies. The
// handler refuses events older than HandlerOptions.MaxEventAge (DefaultMaxEventAge, one
// hour); within that window, HandlerOptions.Seen lets you drop events already processed.
//
// It panics, as net/http does for a nil handler, when secret is empty or fn is nil: such
// a handler could only refuse every delivery, so the mistake is reported when the
// program starts rather than as 500s in production.
func Handler(secretKey string, fn func(ctx context.Context, ev *fingerprint.Event) error, opts *HandlerOptions) http.Handler {
	if secretKey == "" {
		panic("webhook.Handler: empty webhook secret (every delivery would be refused)")
	}
	if fn == nil {
		panic("webhook.Handler: nil callback")
	}
	h := &handler{secret: secret.New(secretKey), fn: fn, maxBody: DefaultMaxBodyBytes, readTimeout: DefaultReadTimeout,
		maxAge: DefaultMaxEventAge, now: time.Now}
	if opts != nil {
		if opts.MaxBodyBytes > 0 {
			h.maxBody = opts.MaxBodyBytes
		}
		if opts.ReadTimeout > 0 {
			h.readTimeout = opts.ReadTimeout
		}
		h.onError = opts.OnError
		h.seen = opts.Seen
		if opts.MaxEventAge != 0 {
			h.maxAge = opts.MaxEventAge
		}
	}
	return h
}

type handler struct {
	secret  *secret.Value // never printed: see format.go
	fn      func(context.Context, *fingerprint.Event) error
	maxBody int64
	onError func(*http.Request, int, error)

	readTimeout time.Duration
	maxAge      time.Duration // negative: no age check
	seen        func(context.Context, string) (bool, error)
	now         func() time.Time
}

// ServeHTTP handles one delivery: method, body limit, signature, decoding, callback, in
// that order, so nothing unauthenticated is parsed.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		h.fail(w, r, http.StatusMethodNotAllowed, "method not allowed",
			fmt.Errorf("fingerprint: webhook: method %s not allowed", r.Method))
		return
	}
	if h.secret.Reveal() == "" || h.fn == nil {
		h.fail(w, r, http.StatusInternalServerError, "webhook receiver not configured",
			fmt.Errorf("fingerprint: webhook handler misconfigured: %w", ErrMissingSecret))
		return
	}
	body, wait, err := readBody(w, r, h.maxBody, h.readTimeout)
	defer wait()
	if err != nil {
		if errors.Is(err, errBodyTimeout) {
			// Close the connection: the rest of the body is not worth reading. (HTTP/2 has
			// no such header; the stream's own read deadline has already ended it.)
			if r.ProtoMajor == 1 {
				w.Header().Set("Connection", "close")
			}
			h.fail(w, r, http.StatusRequestTimeout, "request body timeout", err)
			_ = http.NewResponseController(w).Flush()
			return
		}
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			h.fail(w, r, http.StatusRequestEntityTooLarge, "request body too large",
				fmt.Errorf("fingerprint: webhook body over %d bytes", mbe.Limit))
			return
		}
		h.fail(w, r, http.StatusBadRequest, "cannot read request body", fmt.Errorf("fingerprint: webhook: reading body: %w", err))
		return
	}
	if err := Verify(r.Header.Get(SignatureHeader), body, h.secret.Reveal()); err != nil {
		h.fail(w, r, http.StatusUnauthorized, "invalid signature", err)
		return
	}
	ev, err := eventjson.Decode(body)
	if err != nil {
		h.fail(w, r, http.StatusBadRequest, "invalid event", fmt.Errorf("fingerprint: webhook: %w", err))
		return
	}
	if h.maxAge >= 0 {
		if age := h.now().Sub(time.UnixMilli(ev.Timestamp)); age > h.maxAge {
			h.fail(w, r, http.StatusBadRequest, "event too old",
				fmt.Errorf("%w: event %s is %v old, MaxEventAge is %v", errStale, shortID(ev.EventID), age.Round(time.Second), h.maxAge))
			return
		}
	}
	if h.seen != nil {
		dup, err := h.seen(r.Context(), ev.EventID)
		if err != nil {
			h.fail(w, r, http.StatusInternalServerError, "event not processed",
				fmt.Errorf("fingerprint: webhook: Seen for event %s: %w", shortID(ev.EventID), err))
			return
		}
		if dup {
			w.WriteHeader(http.StatusOK) // already processed: acknowledge, do nothing
			return
		}
	}
	if err := h.fn(r.Context(), ev); err != nil {
		h.fail(w, r, http.StatusInternalServerError, "event not processed",
			fmt.Errorf("fingerprint: webhook callback for event %s: %w", shortID(ev.EventID), err))
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (h *handler) fail(w http.ResponseWriter, r *http.Request, status int, text string, err error) {
	if h.onError != nil {
		h.onError(r, status, err)
	}
	http.Error(w, text, status)
}

// shortID shortens an event ID for errors and logs: its time part and the first
// characters of its random part are enough to find it, and the ID comes from the body.
func shortID(id string) string {
	if len(id) <= 20 {
		return id
	}
	return id[:20] + "…"
}
