// Package sealed opens sealed client results: the Event the JavaScript agent receives
// encrypted, instead of an event ID, when sealed results are enabled for the workspace.
// Your server unseals it with a key from the dashboard and reads the Event without an
// API call.
//
// ParseKey reads a key as the dashboard shows it. Unseal (raw bytes) and UnsealBase64
// (the string the agent returns) try the keys in order, so a rotation passes the new key
// and the old one. Decompressed output is capped (DefaultMaxDecompressedSize); going over
// the cap is an error, not a truncation. Errors never contain key bytes. Seal produces
// the same format, for tests.
package sealed

import (
	"bytes"
	"compress/flate"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/internal/eventjson"
	"github.com/fpgo/fingerprint-go/internal/secret"
)

// Sealed client results are the Event JSON, compressed with raw DEFLATE (RFC 1951) and
// encrypted with AES-256-GCM, laid out as:
//
//	9E 85 DC ED | 12-byte nonce | ciphertext | 16-byte GCM tag
var sealedHeader = []byte{0x9E, 0x85, 0xDC, 0xED}

const (
	sealedNonceSize = 12
	sealedTagSize   = 16
	sealedKeySize   = 32
)

// DefaultMaxDecompressedSize is the default cap on the decompressed size of a sealed result.
// Real events are a few KiB; the cap only stops hostile or broken payloads.
const DefaultMaxDecompressedSize = 4 << 20

// Algorithm names the cipher a [Key] is used with.
type Algorithm string

// AlgorithmAES256GCM is the only algorithm sealed client results use.
const AlgorithmAES256GCM Algorithm = "aes-256-gcm"

// Sentinel errors returned (wrapped) by [Unseal], [UnsealBase64] and [ParseKey].
// Test for them with errors.Is.
var (
	// ErrNoKeys means Unseal was called without any key.
	ErrNoKeys = errors.New("fingerprint: no decryption keys given")
	// ErrInvalidBase64 means UnsealBase64 got a string that is not base64.
	ErrInvalidBase64 = errors.New("fingerprint: invalid base64")
	// ErrInvalidHeader means the input does not start with the sealed-result header.
	ErrInvalidHeader = errors.New("fingerprint: invalid sealed data header")
	// ErrTooShort means the input is too short to hold a nonce and a tag.
	ErrTooShort = errors.New("fingerprint: sealed data too short")
	// ErrInvalidKey means a key is not 32 bytes (or, from ParseKey, not valid base64).
	ErrInvalidKey = errors.New("fingerprint: invalid decryption key")
	// ErrUnsupportedAlgorithm means a key names an algorithm other than AlgorithmAES256GCM.
	ErrUnsupportedAlgorithm = errors.New("fingerprint: unsupported decryption algorithm")
	// ErrDecrypt means authenticated decryption failed: wrong key, or tampered or truncated data.
	ErrDecrypt = errors.New("fingerprint: decryption failed")
	// ErrDecompress means the decrypted data is not valid raw DEFLATE.
	ErrDecompress = errors.New("fingerprint: decompression failed")
	// ErrTooLarge means the decompressed data exceeds the configured cap.
	ErrTooLarge = errors.New("fingerprint: unsealed data too large")
	// ErrInvalidEvent means the data was authentic but is not a valid Event: not a JSON
	// object of the right shape, or missing event_id or timestamp.
	ErrInvalidEvent = eventjson.ErrInvalidEvent
)

// Key is a key for sealed client results. Create it with ParseKey (the dashboard's base64
// string) or NewKey (raw bytes).
//
// The key bytes sit behind an unexported pointer, so no formatting shows them: String,
// Format, LogValue and MarshalJSON redact them, and inside a struct, even in an
// unexported field where fmt cannot call methods, fmt prints only an address. Copies
// share the same immutable bytes; compare keys with Equal (== does not compile, as before).
type Key struct {
	_   [0]func() // not comparable with ==, which would compare pointers; use Equal
	key *keyBytes
	// Algorithm is the cipher; AlgorithmAES256GCM is the only supported one.
	Algorithm Algorithm
}

// keyBytes holds the raw key, never modified after creation, behind a second pointer for
// the reason given at secret.Value.
type keyBytes struct{ b *[]byte }

func newKeyBytes(raw []byte) *keyBytes { return &keyBytes{b: &raw} }

// Format prints only the length, should anything ever reach the pointer.
func (k *keyBytes) Format(f fmt.State, verb rune) {
	secret.WriteRedacted(f, verb, fmt.Sprintf("[%d bytes redacted]", len(k.bytes())))
}

func (k *keyBytes) bytes() []byte {
	if k == nil || k.b == nil {
		return nil
	}
	return *k.b
}

// NewKey returns a key holding a copy of raw (32 bytes for AES-256-GCM) for algorithm
// alg. It does not check them: a key of the wrong length or algorithm is reported when
// used (see Unseal), so a list of keys in rotation keeps working when one is bad.
// ParseKey checks at once.
func NewKey(raw []byte, alg Algorithm) Key {
	return Key{key: newKeyBytes(bytes.Clone(raw)), Algorithm: alg}
}

// Bytes returns a copy of the raw key, for storing or passing it to other code. Treat the
// copy as a secret: it is a plain []byte, which formats and logs as its contents.
func (k Key) Bytes() []byte { return bytes.Clone(k.key.bytes()) }

// Equal reports whether k and other hold the same bytes and algorithm, comparing the
// bytes in constant time.
func (k Key) Equal(other Key) bool {
	a, b := k.key.bytes(), other.key.bytes()
	return k.Algorithm == other.Algorithm && len(a) == len(b) && subtle.ConstantTimeCompare(a, b) == 1
}

// String describes the key without revealing it.
func (k Key) String() string {
	return fmt.Sprintf("sealed.Key{Algorithm: %q, Key: [%d bytes redacted]}", string(k.Algorithm), len(k.key.bytes()))
}

// GoString is String, so %#v redacts too.
func (k Key) GoString() string { return k.String() }

// Format implements fmt.Formatter so that every verb, including %#v and %+v, redacts the key.
func (k Key) Format(f fmt.State, verb rune) { secret.WriteRedacted(f, verb, k.String()) }

// LogValue implements slog.LogValuer so that structured logs redact the key too.
func (k Key) LogValue() slog.Value { return slog.StringValue(k.String()) }

// MarshalJSON redacts the key: JSON log handlers marshal nested values this way.
func (k Key) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Algorithm Algorithm `json:"algorithm"`
		Key       string    `json:"key"`
	}{k.Algorithm, fmt.Sprintf("[%d bytes redacted]", len(k.key.bytes()))})
}

// decodeBase64 accepts the standard and the URL-safe alphabet, with or without padding.
func decodeBase64(s string) ([]byte, error) {
	s = strings.TrimRight(s, "=")
	raw, err := base64.RawStdEncoding.DecodeString(s)
	if err != nil {
		if alt, altErr := base64.RawURLEncoding.DecodeString(s); altErr == nil {
			return alt, nil
		}
	}
	return raw, err
}

// ParseKey decodes a key as shown in the dashboard (standard base64, padding optional,
// URL-safe alphabet accepted, surrounding whitespace ignored) into an AES-256-GCM Key.
// Errors wrap ErrInvalidKey and never contain the key.
func ParseKey(base64Key string) (Key, error) {
	s := strings.TrimSpace(base64Key)
	if s == "" {
		return Key{}, fmt.Errorf("%w: empty", ErrInvalidKey)
	}
	raw, err := decodeBase64(s)
	if err != nil {
		// base64.CorruptInputError only reports an offset, never the input.
		return Key{}, fmt.Errorf("%w: not valid base64: %w", ErrInvalidKey, err)
	}
	if len(raw) != sealedKeySize {
		return Key{}, fmt.Errorf("%w: decoded to %d bytes, want %d", ErrInvalidKey, len(raw), sealedKeySize)
	}
	return Key{key: newKeyBytes(raw), Algorithm: AlgorithmAES256GCM}, nil
}

// Options holds the optional settings of Unseal and UnsealBase64. It is passed by
// pointer; nil or the zero value means defaults.
type Options struct {
	// MaxDecompressedSize caps the decompressed plaintext in bytes. Larger payloads fail
	// with ErrTooLarge (never truncated). Zero or negative means DefaultMaxDecompressedSize.
	MaxDecompressedSize int64
}

// KeyError reports why one key could not open a sealed result. It never contains key bytes.
type KeyError struct {
	// Index is the position of the key in the list passed to Unseal.
	Index int
	// Algorithm is the key's algorithm as given.
	Algorithm Algorithm
	// Err is the cause: ErrInvalidKey, ErrUnsupportedAlgorithm or ErrDecrypt (wrapped).
	Err error
}

// Error returns "key <index> (<algorithm>): <cause>".
func (e *KeyError) Error() string { return fmt.Sprintf("key %d (%s): %v", e.Index, e.Algorithm, e.Err) }

// Unwrap returns the cause, so errors.Is(err, ErrDecrypt) and similar work.
func (e *KeyError) Unwrap() error { return e.Err }

// Error is returned when no key could open a sealed result. It holds one *KeyError
// per key, in the order tried; errors.Is and errors.As see through it to each of them.
type Error struct {
	// KeyErrors holds one entry per key passed, in the order they were tried.
	KeyErrors []*KeyError
}

// Error lists the failure of each key, in order.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "fingerprint: unseal failed with all %d keys", len(e.KeyErrors))
	for _, ke := range e.KeyErrors {
		b.WriteString("; ")
		b.WriteString(ke.Error())
	}
	return b.String()
}

// Unwrap returns the per-key errors (errors.Join style).
func (e *Error) Unwrap() []error {
	errs := make([]error, len(e.KeyErrors))
	for i, ke := range e.KeyErrors {
		errs[i] = ke
	}
	return errs
}

// Unseal decrypts and decodes a sealed client result (the raw bytes, already
// base64-decoded). Keys are tried in order, so during a rotation pass the new key and the
// old one. A key with a wrong length or an unsupported algorithm is reported in the
// returned *Error but does not stop the other keys from being tried. opts may be nil.
//
// Errors wrap ErrNoKeys, ErrInvalidHeader or ErrTooShort (input problems, before any key
// is tried); *Error (no key opened the data); or, after a key authenticated the data,
// ErrDecompress, ErrTooLarge or ErrInvalidEvent.
func Unseal(data []byte, keys []Key, opts *Options) (*fingerprint.Event, error) {
	plain, err := unsealPlaintext(data, opts, keys)
	if err != nil {
		return nil, err
	}
	ev, err := eventjson.Decode(plain)
	if err != nil {
		return nil, fmt.Errorf("fingerprint: unseal: %w", err)
	}
	return ev, nil
}

// UnsealBase64 is Unseal for the base64 string the JavaScript agent returns (standard or
// URL-safe alphabet, padding optional, surrounding whitespace ignored). A string that is
// not base64 gives an error wrapping ErrInvalidBase64.
func UnsealBase64(data string, keys []Key, opts *Options) (*fingerprint.Event, error) {
	raw, err := decodeBase64(strings.TrimSpace(data))
	if err != nil {
		return nil, fmt.Errorf("%w: sealed result: %w", ErrInvalidBase64, err)
	}
	return Unseal(raw, keys, opts)
}

// unsealPlaintext returns the decompressed Event JSON.
func unsealPlaintext(sealed []byte, opts *Options, keys []Key) ([]byte, error) {
	limit := int64(DefaultMaxDecompressedSize)
	if opts != nil && opts.MaxDecompressedSize > 0 {
		limit = opts.MaxDecompressedSize
	}
	if len(keys) == 0 {
		return nil, ErrNoKeys
	}
	if !bytes.HasPrefix(sealed, sealedHeader) {
		return nil, ErrInvalidHeader
	}
	body := sealed[len(sealedHeader):]
	if len(body) < sealedNonceSize+sealedTagSize {
		return nil, fmt.Errorf("%w: %d bytes after the header, need at least %d",
			ErrTooShort, len(body), sealedNonceSize+sealedTagSize)
	}
	nonce, ciphertext := body[:sealedNonceSize], body[sealedNonceSize:]

	keyErrs := make([]*KeyError, 0, len(keys))
	for i, k := range keys {
		compressed, err := decryptWithKey(k, nonce, ciphertext)
		if err != nil {
			keyErrs = append(keyErrs, &KeyError{Index: i, Algorithm: k.Algorithm, Err: err})
			continue
		}
		// GCM authenticated the data with this key, so any later failure is the payload's
		// fault and no other key could do better.
		plain, err := inflateLimited(compressed, limit)
		if err != nil {
			return nil, fmt.Errorf("fingerprint: unseal (key %d): %w", i, err)
		}
		return plain, nil
	}
	return nil, &Error{KeyErrors: keyErrs}
}

func newKeyAEAD(k Key) (cipher.AEAD, error) {
	if k.Algorithm != AlgorithmAES256GCM {
		return nil, fmt.Errorf("%w %q", ErrUnsupportedAlgorithm, string(k.Algorithm))
	}
	raw := k.key.bytes()
	if len(raw) != sealedKeySize {
		return nil, fmt.Errorf("%w: %d bytes, want %d", ErrInvalidKey, len(raw), sealedKeySize)
	}
	block, err := aes.NewCipher(raw)
	if err != nil { // unreachable with a 32-byte key; never include the key itself
		return nil, fmt.Errorf("%w: %w", ErrInvalidKey, err)
	}
	return cipher.NewGCM(block) // standard 12-byte nonce, 16-byte tag
}

func decryptWithKey(k Key, nonce, ciphertext []byte) ([]byte, error) {
	aead, err := newKeyAEAD(k)
	if err != nil {
		return nil, err
	}
	plain, err := aead.Open(nil, nonce, ciphertext, nil)
	if err != nil {
		return nil, ErrDecrypt
	}
	return plain, nil
}

// inflaters reuses DEFLATE readers: each holds a 32 KiB window, most of the cost of
// unsealing a typical event.
var inflaters sync.Pool

var emptyReader = bytes.NewReader(nil)

// inflateLimited decompresses raw DEFLATE data, refusing output larger than limit.
// Reading limit+1 bytes distinguishes "exactly at the cap" from "over it" without ever
// holding more than limit+1 bytes.
func inflateLimited(compressed []byte, limit int64) ([]byte, error) {
	src := bytes.NewReader(compressed)
	zr, ok := inflaters.Get().(io.ReadCloser)
	if ok {
		if err := zr.(flate.Resetter).Reset(src, nil); err != nil {
			zr = flate.NewReader(src)
		}
	} else {
		zr = flate.NewReader(src)
	}
	defer func() {
		// Drop the reference to the input before pooling the reader.
		if zr.(flate.Resetter).Reset(emptyReader, nil) == nil {
			inflaters.Put(zr)
		}
	}()
	out, err := io.ReadAll(io.LimitReader(zr, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDecompress, err)
	}
	if int64(len(out)) > limit {
		return nil, fmt.Errorf("%w: more than %d bytes after decompression", ErrTooLarge, limit)
	}
	return out, nil
}

// Seal produces a sealed result from eventJSON, in the same format the JavaScript
// agent receives: useful in tests and tooling (the format is symmetric). It does not
// check that eventJSON is a valid Event, so tests can also seal malformed payloads.
// Each call uses a fresh random nonce.
func Seal(eventJSON []byte, key Key) ([]byte, error) {
	aead, err := newKeyAEAD(key)
	if err != nil {
		return nil, fmt.Errorf("fingerprint: seal: %w", err)
	}
	var compressed bytes.Buffer
	zw, err := flate.NewWriter(&compressed, flate.DefaultCompression)
	if err != nil {
		return nil, fmt.Errorf("fingerprint: seal: %w", err)
	}
	if _, err := zw.Write(eventJSON); err != nil {
		return nil, fmt.Errorf("fingerprint: seal: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("fingerprint: seal: %w", err)
	}
	out := make([]byte, 0, len(sealedHeader)+sealedNonceSize+compressed.Len()+sealedTagSize)
	out = append(out, sealedHeader...)
	nonce := make([]byte, sealedNonceSize)
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("fingerprint: seal: nonce: %w", err)
	}
	out = append(out, nonce...)
	return aead.Seal(out, nonce, compressed.Bytes(), nil), nil
}
