package fingerprint

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

// DefaultMaxUnsealedSize is the default cap on the decompressed size of a sealed result.
// Real events are a few KiB; the cap only stops hostile or broken payloads.
const DefaultMaxUnsealedSize = 4 << 20

// Algorithm names the cipher a [DecryptionKey] is used with.
type Algorithm string

// AlgorithmAES256GCM is the only algorithm sealed client results use.
const AlgorithmAES256GCM Algorithm = "aes-256-gcm"

// Sentinel errors returned (wrapped) by [UnsealEvent] and [ParseDecryptionKey].
// Test for them with errors.Is.
var (
	// ErrNoKeys means UnsealEvent was called without any key.
	ErrNoKeys = errors.New("fingerprint: no decryption keys given")
	// ErrInvalidBase64 means UnsealEventBase64 got a string that is not base64.
	ErrInvalidBase64 = errors.New("fingerprint: invalid base64")
	// ErrInvalidHeader means the input does not start with the sealed-result header.
	ErrInvalidHeader = errors.New("fingerprint: invalid sealed data header")
	// ErrSealedTooShort means the input is too short to hold a nonce and a tag.
	ErrSealedTooShort = errors.New("fingerprint: sealed data too short")
	// ErrInvalidKey means a key is not 32 bytes (or, from ParseDecryptionKey, not valid base64).
	ErrInvalidKey = errors.New("fingerprint: invalid decryption key")
	// ErrUnsupportedAlgorithm means a key names an algorithm other than AlgorithmAES256GCM.
	ErrUnsupportedAlgorithm = errors.New("fingerprint: unsupported decryption algorithm")
	// ErrDecrypt means authenticated decryption failed: wrong key, or tampered or truncated data.
	ErrDecrypt = errors.New("fingerprint: decryption failed")
	// ErrDecompress means the decrypted data is not valid raw DEFLATE.
	ErrDecompress = errors.New("fingerprint: decompression failed")
	// ErrUnsealedTooLarge means the decompressed data exceeds the configured cap.
	ErrUnsealedTooLarge = errors.New("fingerprint: unsealed data too large")
)

// DecryptionKey is a key for sealed client results. Create it with ParseDecryptionKey
// (the dashboard's base64 string) or NewDecryptionKey (raw bytes).
//
// The key bytes sit behind an unexported pointer, so no formatting shows them: String,
// Format, LogValue and MarshalJSON redact them, and inside a struct, even in an
// unexported field where fmt cannot call methods, fmt prints only an address. Copies
// share the same immutable bytes; compare keys with Equal (== does not compile, as before).
type DecryptionKey struct {
	_   [0]func() // not comparable with ==, which would compare pointers; use Equal
	key *keyBytes
	// Algorithm is the cipher; AlgorithmAES256GCM is the only supported one.
	Algorithm Algorithm
}

// keyBytes holds the raw key, never modified after creation, behind a second pointer for
// the reason given at type secret.
type keyBytes struct{ b *[]byte }

func newKeyBytes(raw []byte) *keyBytes { return &keyBytes{b: &raw} }

// Format prints only the length, should anything ever reach the pointer.
func (k *keyBytes) Format(f fmt.State, verb rune) {
	writeRedacted(f, verb, fmt.Sprintf("[%d bytes redacted]", len(k.bytes())))
}

func (k *keyBytes) bytes() []byte {
	if k == nil || k.b == nil {
		return nil
	}
	return *k.b
}

// NewDecryptionKey returns a key holding a copy of raw (32 bytes for AES-256-GCM) for
// algorithm alg. It does not check them, as a struct literal did before: a key of the
// wrong length or algorithm is reported when used (see UnsealEvent), so a list of keys
// in rotation keeps working when one is bad. ParseDecryptionKey checks at once.
func NewDecryptionKey(raw []byte, alg Algorithm) DecryptionKey {
	return DecryptionKey{key: newKeyBytes(bytes.Clone(raw)), Algorithm: alg}
}

// Bytes returns a copy of the raw key, for storing or passing it to other code. Treat the
// copy as a secret: it is a plain []byte, which formats and logs as its contents.
func (k DecryptionKey) Bytes() []byte { return bytes.Clone(k.key.bytes()) }

// Equal reports whether k and other hold the same bytes and algorithm, comparing the
// bytes in constant time.
func (k DecryptionKey) Equal(other DecryptionKey) bool {
	a, b := k.key.bytes(), other.key.bytes()
	return k.Algorithm == other.Algorithm && len(a) == len(b) && subtle.ConstantTimeCompare(a, b) == 1
}

// String describes the key without revealing it.
func (k DecryptionKey) String() string {
	return fmt.Sprintf("DecryptionKey{Algorithm: %q, Key: [%d bytes redacted]}", string(k.Algorithm), len(k.key.bytes()))
}

// GoString is String, so %#v redacts too.
func (k DecryptionKey) GoString() string { return k.String() }

// Format implements fmt.Formatter so that every verb, including %#v and %+v, redacts the key.
func (k DecryptionKey) Format(f fmt.State, verb rune) { writeRedacted(f, verb, k.String()) }

// LogValue implements slog.LogValuer so that structured logs redact the key too.
func (k DecryptionKey) LogValue() slog.Value { return slog.StringValue(k.String()) }

// MarshalJSON redacts the key: JSON log handlers marshal nested values this way.
func (k DecryptionKey) MarshalJSON() ([]byte, error) {
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

// ParseDecryptionKey decodes a key as shown in the dashboard (standard base64, padding
// optional, URL-safe alphabet accepted, surrounding whitespace ignored) into an AES-256-GCM DecryptionKey.
// Errors wrap ErrInvalidKey and never contain the key.
func ParseDecryptionKey(base64Key string) (DecryptionKey, error) {
	s := strings.TrimSpace(base64Key)
	if s == "" {
		return DecryptionKey{}, fmt.Errorf("%w: empty", ErrInvalidKey)
	}
	raw, err := decodeBase64(s)
	if err != nil {
		// base64.CorruptInputError only reports an offset, never the input.
		return DecryptionKey{}, fmt.Errorf("%w: not valid base64: %w", ErrInvalidKey, err)
	}
	if len(raw) != sealedKeySize {
		return DecryptionKey{}, fmt.Errorf("%w: decoded to %d bytes, want %d", ErrInvalidKey, len(raw), sealedKeySize)
	}
	return DecryptionKey{key: newKeyBytes(raw), Algorithm: AlgorithmAES256GCM}, nil
}

// UnsealEventOptions holds the optional settings of [UnsealEventWithOptions]. Like the
// other per-call option structs of this package (GetEventOptions, WebhookHandlerOptions,
// EdgeRequestOptions, EdgeMiddlewareOptions), it is passed by pointer and nil or the zero
// value means defaults; client-wide settings are functional options to NewClient.
type UnsealEventOptions struct {
	// MaxDecompressedSize caps the decompressed plaintext in bytes. Larger payloads fail
	// with ErrUnsealedTooLarge (never truncated). Zero or negative means DefaultMaxUnsealedSize.
	MaxDecompressedSize int64
}

// KeyError reports why one key could not open a sealed result. It never contains key bytes.
type KeyError struct {
	// Index is the position of the key in the list passed to UnsealEvent.
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

// UnsealError is returned when no key could open a sealed result. It holds one *KeyError
// per key, in the order tried; errors.Is and errors.As see through it to each of them.
type UnsealError struct {
	// KeyErrors holds one entry per key passed, in the order they were tried.
	KeyErrors []*KeyError
}

// Error lists the failure of each key, in order.
func (e *UnsealError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "fingerprint: unseal failed with all %d keys", len(e.KeyErrors))
	for _, ke := range e.KeyErrors {
		b.WriteString("; ")
		b.WriteString(ke.Error())
	}
	return b.String()
}

// Unwrap returns the per-key errors (errors.Join style).
func (e *UnsealError) Unwrap() []error {
	errs := make([]error, len(e.KeyErrors))
	for i, ke := range e.KeyErrors {
		errs[i] = ke
	}
	return errs
}

// UnsealEvent decrypts and decodes a sealed client result (the raw bytes, already
// base64-decoded). Keys are tried in order, so during a rotation pass the new key and the
// old one. A key with a wrong length or an unsupported algorithm is reported in the
// returned *UnsealError but does not stop the other keys from being tried.
//
// Errors wrap ErrNoKeys, ErrInvalidHeader or ErrSealedTooShort (input problems, before any
// key is tried); *UnsealError (no key opened the data); or, after a key authenticated the
// data, ErrDecompress, ErrUnsealedTooLarge or ErrInvalidEvent. Decompressed output is capped
// at DefaultMaxUnsealedSize; use UnsealEventWithOptions to change that.
func UnsealEvent(sealed []byte, keys ...DecryptionKey) (*Event, error) {
	return UnsealEventWithOptions(sealed, nil, keys...)
}

// UnsealEventBase64 is UnsealEvent for the base64 string the JavaScript agent returns
// (standard or URL-safe alphabet, padding optional, surrounding whitespace ignored).
// A string that is not base64 gives an error wrapping ErrInvalidBase64.
func UnsealEventBase64(sealedBase64 string, keys ...DecryptionKey) (*Event, error) {
	raw, err := decodeBase64(strings.TrimSpace(sealedBase64))
	if err != nil {
		return nil, fmt.Errorf("%w: sealed result: %w", ErrInvalidBase64, err)
	}
	return UnsealEvent(raw, keys...)
}

// UnsealEventWithOptions is UnsealEvent with options; opts may be nil.
func UnsealEventWithOptions(sealed []byte, opts *UnsealEventOptions, keys ...DecryptionKey) (*Event, error) {
	plain, err := unsealPlaintext(sealed, opts, keys)
	if err != nil {
		return nil, err
	}
	ev, err := decodeEvent(plain)
	if err != nil {
		return nil, fmt.Errorf("fingerprint: unseal: %w", err)
	}
	return ev, nil
}

// unsealPlaintext returns the decompressed Event JSON.
func unsealPlaintext(sealed []byte, opts *UnsealEventOptions, keys []DecryptionKey) ([]byte, error) {
	limit := int64(DefaultMaxUnsealedSize)
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
			ErrSealedTooShort, len(body), sealedNonceSize+sealedTagSize)
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
	return nil, &UnsealError{KeyErrors: keyErrs}
}

func newKeyAEAD(k DecryptionKey) (cipher.AEAD, error) {
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

func decryptWithKey(k DecryptionKey, nonce, ciphertext []byte) ([]byte, error) {
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
		return nil, fmt.Errorf("%w: more than %d bytes after decompression", ErrUnsealedTooLarge, limit)
	}
	return out, nil
}

// SealEvent produces a sealed result from eventJSON, in the same format the JavaScript
// agent receives: useful in tests and tooling (the format is symmetric). It does not
// check that eventJSON is a valid Event, so tests can also seal malformed payloads.
// Each call uses a fresh random nonce.
func SealEvent(eventJSON []byte, key DecryptionKey) ([]byte, error) {
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
