package sealed_test

import (
	"bytes"
	"compress/flate"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
	"github.com/fpgo/fingerprint-go/fingerprint/sealed"
)

// randomKey returns a fresh AES-256-GCM key; vectors are made in the test, never checked in.
func randomKey(t testing.TB) sealed.Key {
	t.Helper()
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		t.Fatal(err)
	}
	return sealed.NewKey(k, sealed.AlgorithmAES256GCM)
}

func readFixture(t testing.TB, name string) []byte { //nolint:unparam // one fixture today; the helper names the file it reads
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sealRaw builds a sealed result by hand from already-compressed bytes, independently of
// Seal: header, 12-byte nonce, AES-256-GCM ciphertext+tag, no additional data.
func sealRaw(t testing.TB, compressed, key []byte) []byte {
	t.Helper()
	block, err := aes.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		t.Fatal(err)
	}
	nonce := make([]byte, 12)
	if _, err := rand.Read(nonce); err != nil {
		t.Fatal(err)
	}
	out := append([]byte{0x9E, 0x85, 0xDC, 0xED}, nonce...)
	return aead.Seal(out, nonce, compressed, nil)
}

func deflate(t testing.TB, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestUnseal_HandBuiltVector(t *testing.T) {
	t.Parallel()
	key := randomKey(t)
	blob := sealRaw(t, deflate(t, readFixture(t, "sealed_event.json")), key.Bytes())

	ev, err := sealed.Unseal(blob, []sealed.Key{key}, nil)
	if err != nil {
		t.Fatalf("Unseal: %v", err)
	}
	if ev.EventID != "1760000000123.Ab3xYz" || ev.Timestamp != 1760000000123 {
		t.Errorf("got event %q at %d", ev.EventID, ev.Timestamp)
	}
	if ev.Identification == nil || ev.Identification.VisitorID != "vX9pQ2mL7sT4rW8kJ3nB" {
		t.Errorf("identification not decoded: %+v", ev.Identification)
	}
	if ev.IPInfo == nil || ev.IPInfo.V4 == nil || ev.IPInfo.V4.Address != "198.51.100.24" {
		t.Errorf("ip_info not decoded: %+v", ev.IPInfo)
	}
	if ev.LinkedID == nil || *ev.LinkedID != "order-5521" {
		t.Errorf("linked_id not decoded: %v", ev.LinkedID)
	}
}

// TestUnseal_VendorVector opens a sealed result produced by Fingerprint's own
// JavaScript agent when one is provided in FINGERPRINT_SEALED_RESULT (base64, as the
// browser receives it) with its key in FINGERPRINT_SEALED_KEY (base64, from the
// dashboard). No such pair is published, so none is committed; the vectors above are
// built independently from the documented format instead.
func TestUnseal_VendorVector(t *testing.T) {
	t.Parallel()
	blob, rawKey := os.Getenv("FINGERPRINT_SEALED_RESULT"), os.Getenv("FINGERPRINT_SEALED_KEY")
	if blob == "" || rawKey == "" {
		t.Skip("set FINGERPRINT_SEALED_RESULT and FINGERPRINT_SEALED_KEY to check a sealed result made by the vendor's agent")
	}
	key, err := sealed.ParseKey(rawKey)
	if err != nil {
		t.Fatal(err)
	}
	ev, err := sealed.UnsealBase64(blob, []sealed.Key{key}, nil)
	if err != nil {
		t.Fatalf("UnsealBase64: %v", err)
	}
	t.Logf("unsealed event %s at %d", ev.EventID, ev.Timestamp)
}

func TestSeal_RoundTrip(t *testing.T) {
	t.Parallel()
	key := randomKey(t)
	plain := readFixture(t, "sealed_event.json")

	a, err := sealed.Seal(plain, key)
	if err != nil {
		t.Fatal(err)
	}
	b, err := sealed.Seal(plain, key)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(a, []byte{0x9E, 0x85, 0xDC, 0xED}) {
		t.Fatalf("missing header: % x", a[:4])
	}
	if bytes.Equal(a[4:16], b[4:16]) {
		t.Error("two seals reused the same nonce")
	}
	// The ciphertext must be the DEFLATE stream, not the JSON: smaller than the input.
	if len(a) >= len(plain) {
		t.Errorf("sealed size %d not smaller than plaintext %d: not compressed?", len(a), len(plain))
	}
	for _, s := range [][]byte{a, b} {
		ev, err := sealed.UnsealBase64(base64.StdEncoding.EncodeToString(s), []sealed.Key{key}, nil)
		if err != nil {
			t.Fatalf("UnsealBase64: %v", err)
		}
		if ev.EventID != "1760000000123.Ab3xYz" {
			t.Errorf("event id %q", ev.EventID)
		}
	}
}

func TestSeal_RejectsBadKey(t *testing.T) {
	t.Parallel()
	_, err := sealed.Seal([]byte(`{}`), sealed.NewKey(make([]byte, 16), sealed.AlgorithmAES256GCM))
	if !errors.Is(err, sealed.ErrInvalidKey) {
		t.Errorf("16-byte key: got %v, want ErrInvalidKey", err)
	}
	_, err = sealed.Seal([]byte(`{}`), sealed.NewKey(make([]byte, 32), "aes-128-cbc"))
	if !errors.Is(err, sealed.ErrUnsupportedAlgorithm) {
		t.Errorf("bad algorithm: got %v, want ErrUnsupportedAlgorithm", err)
	}
}

func TestUnsealBase64_Encodings(t *testing.T) {
	t.Parallel()
	key := randomKey(t)
	var blob []byte
	// Find a payload whose base64 needs padding and uses URL-unsafe characters, so every
	// variant below actually differs from the standard padded form.
	for i := range 300 {
		plain := fmt.Appendf(nil, `{"event_id":"1.a","timestamp":1,"pad":%q}`, strings.Repeat("x", i))
		s, err := sealed.Seal(plain, key)
		if err != nil {
			t.Fatal(err)
		}
		std := base64.StdEncoding.EncodeToString(s)
		if strings.HasSuffix(std, "=") && strings.ContainsAny(std, "+/") {
			blob = s
			break
		}
	}
	if blob == nil {
		t.Fatal("could not produce a payload needing padding and URL-unsafe characters")
	}
	for name, enc := range map[string]string{
		"std padded":    base64.StdEncoding.EncodeToString(blob),
		"std unpadded":  base64.RawStdEncoding.EncodeToString(blob),
		"url safe":      base64.URLEncoding.EncodeToString(blob),
		"surrounded ws": "\n  " + base64.StdEncoding.EncodeToString(blob) + " \r\n",
	} {
		if _, err := sealed.UnsealBase64(enc, []sealed.Key{key}, nil); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	_, err := sealed.UnsealBase64("not base64 at all!", []sealed.Key{key}, nil)
	if !errors.Is(err, sealed.ErrInvalidBase64) {
		t.Errorf("garbage: got %v, want ErrInvalidBase64", err)
	}
}

func TestUnseal_KeyRotation(t *testing.T) {
	t.Parallel()
	good := randomKey(t)
	old := randomKey(t)
	blob, err := sealed.Seal(readFixture(t, "sealed_event.json"), good)
	if err != nil {
		t.Fatal(err)
	}
	short := sealed.NewKey(make([]byte, 16), sealed.AlgorithmAES256GCM)
	unknownAlg := sealed.NewKey(good.Bytes(), "chacha20")

	t.Run("good key after bad ones", func(t *testing.T) {
		ev, err := sealed.Unseal(blob, []sealed.Key{old, short, unknownAlg, good}, nil)
		if err != nil {
			t.Fatalf("got %v", err)
		}
		if ev.EventID == "" {
			t.Error("empty event")
		}
	})
	t.Run("good key first", func(t *testing.T) {
		if _, err := sealed.Unseal(blob, []sealed.Key{good, old}, nil); err != nil {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("no key fits", func(t *testing.T) {
		_, err := sealed.Unseal(blob, []sealed.Key{old, short, unknownAlg}, nil)
		var ue *sealed.Error
		if !errors.As(err, &ue) {
			t.Fatalf("got %T %v, want *sealed.Error", err, err)
		}
		if len(ue.KeyErrors) != 3 {
			t.Fatalf("got %d key errors, want 3", len(ue.KeyErrors))
		}
		want := []error{sealed.ErrDecrypt, sealed.ErrInvalidKey, sealed.ErrUnsupportedAlgorithm}
		for i, ke := range ue.KeyErrors {
			if ke.Index != i {
				t.Errorf("key error %d has index %d", i, ke.Index)
			}
			if !errors.Is(ke, want[i]) {
				t.Errorf("key %d: got %v, want %v", i, ke, want[i])
			}
			if !errors.Is(err, want[i]) {
				t.Errorf("errors.Is(err, %v) = false through the aggregate", want[i])
			}
		}
		var ke *sealed.KeyError
		if !errors.As(err, &ke) || ke.Index != 0 {
			t.Errorf("errors.As to *KeyError: %v", ke)
		}
		assertNoKeyMaterial(t, err, old, short, unknownAlg, good)
	})
}

// assertNoKeyMaterial fails if the error text (in any fmt form) reveals any key encoding.
func assertNoKeyMaterial(t *testing.T, err error, keys ...sealed.Key) {
	t.Helper()
	texts := []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)}
	for _, k := range keys {
		if allZero(k.Bytes()) {
			continue // all-zero test keys cannot be told apart from ordinary text
		}
		forms := []string{
			string(k.Bytes()), hex.EncodeToString(k.Bytes()), base64.StdEncoding.EncodeToString(k.Bytes()),
			base64.RawStdEncoding.EncodeToString(k.Bytes()), fmt.Sprint(k.Bytes()), fmt.Sprintf("%x", k.Bytes()),
		}
		for _, txt := range texts {
			for _, f := range forms {
				if strings.Contains(txt, f) {
					t.Errorf("error text reveals key material (%q)", f)
				}
			}
		}
	}
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

func TestKey_Redacted(t *testing.T) {
	t.Parallel()
	k := randomKey(t)
	var logBuf bytes.Buffer
	slog.New(slog.NewJSONHandler(&logBuf, nil)).Info("key", "k", k, "list", []sealed.Key{k})
	outputs := []string{
		k.String(), fmt.Sprint(k), fmt.Sprintf("%v %+v %#v %s %x", k, k, k, k, k),
		fmt.Sprintf("%+v", []sealed.Key{k}),
		fmt.Sprintf("%+v", struct{ K sealed.Key }{k}),
		logBuf.String(),
	}
	for _, out := range outputs {
		for _, f := range []string{hex.EncodeToString(k.Bytes()), base64.StdEncoding.EncodeToString(k.Bytes()), fmt.Sprint(k.Bytes())} {
			if strings.Contains(out, f) {
				t.Errorf("output %q reveals the key", out)
			}
		}
		if !strings.Contains(out, "redacted") {
			t.Errorf("output %q does not say it is redacted", out)
		}
	}
}

func TestUnseal_BadInput(t *testing.T) {
	t.Parallel()
	key := randomKey(t)
	blob, err := sealed.Seal(readFixture(t, "sealed_event.json"), key)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		input []byte
		keys  []sealed.Key
		want  error
	}{
		{name: "zero keys", input: blob, keys: nil, want: sealed.ErrNoKeys},
		{name: "empty input", input: nil, keys: []sealed.Key{key}, want: sealed.ErrInvalidHeader},
		{name: "wrong header", input: append([]byte{0x9E, 0x85, 0xDC, 0xEE}, blob[4:]...), keys: []sealed.Key{key}, want: sealed.ErrInvalidHeader},
		{name: "header only", input: blob[:4], keys: []sealed.Key{key}, want: sealed.ErrTooShort},
		{name: "shorter than nonce+tag", input: blob[:4+12+15], keys: []sealed.Key{key}, want: sealed.ErrTooShort},
		{name: "nonce+tag, no ciphertext", input: blob[:4+12+16], keys: []sealed.Key{key}, want: sealed.ErrDecrypt},
		{name: "truncated by one byte", input: blob[:len(blob)-1], keys: []sealed.Key{key}, want: sealed.ErrDecrypt},
		{name: "extra trailing byte", input: append(bytes.Clone(blob), 0), keys: []sealed.Key{key}, want: sealed.ErrDecrypt},
		{name: "wrong key", input: blob, keys: []sealed.Key{randomKey(t)}, want: sealed.ErrDecrypt},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ev, err := sealed.Unseal(tc.input, tc.keys, nil)
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if ev != nil {
				t.Error("non-nil event with an error")
			}
			assertNoKeyMaterial(t, err, tc.keys...)
		})
	}
}

func TestUnseal_EveryFlippedBitIsRejected(t *testing.T) {
	t.Parallel()
	key := randomKey(t)
	blob, err := sealed.Seal([]byte(`{"event_id":"1.a","timestamp":1}`), key)
	if err != nil {
		t.Fatal(err)
	}
	for i := range blob {
		for bit := range 8 {
			mutated := bytes.Clone(blob)
			mutated[i] ^= 1 << bit
			_, err := sealed.Unseal(mutated, []sealed.Key{key}, nil)
			want := sealed.ErrDecrypt
			if i < 4 {
				want = sealed.ErrInvalidHeader
			}
			if !errors.Is(err, want) {
				t.Fatalf("byte %d bit %d: got %v, want %v", i, bit, err, want)
			}
		}
	}
}

func TestUnseal_AuthenticButBrokenPayload(t *testing.T) {
	t.Parallel()
	key := randomKey(t)
	other := randomKey(t)
	cases := []struct {
		name string
		blob []byte
		want error
	}{
		{"not deflate", sealRaw(t, []byte{0xff, 0xff, 0xff, 0xff, 0x00}, key.Bytes()), sealed.ErrDecompress},
		{"truncated deflate stream", sealRaw(t, deflate(t, readFixture(t, "sealed_event.json"))[:40], key.Bytes()), sealed.ErrDecompress},
		{"not json", mustSeal(t, []byte("hello"), key), sealed.ErrInvalidEvent},
		{"json array", mustSeal(t, []byte(`[1,2]`), key), sealed.ErrInvalidEvent},
		{"json null", mustSeal(t, []byte(`null`), key), sealed.ErrInvalidEvent},
		{"empty object", mustSeal(t, []byte(`{}`), key), sealed.ErrInvalidEvent},
		{"missing timestamp", mustSeal(t, []byte(`{"event_id":"x"}`), key), sealed.ErrInvalidEvent},
		{"wrong type", mustSeal(t, []byte(`{"event_id":"x","timestamp":"yesterday"}`), key), sealed.ErrInvalidEvent},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// The second key must not be tried (or reported): the first one authenticated the data.
			_, err := sealed.Unseal(tc.blob, []sealed.Key{key, other}, nil)
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			var ue *sealed.Error
			if errors.As(err, &ue) {
				t.Errorf("payload error reported as a key failure: %v", err)
			}
		})
	}
}

func mustSeal(t testing.TB, plain []byte, key sealed.Key) []byte {
	t.Helper()
	s, err := sealed.Seal(plain, key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestUnsealOptions_Cap(t *testing.T) {
	t.Parallel()
	key := randomKey(t)
	ev := []byte(`{"event_id":"1.a","timestamp":1,"pad":"` + strings.Repeat("x", 1000) + `"}`)
	blob := mustSeal(t, ev, key)

	if _, err := sealed.Unseal(blob, []sealed.Key{key}, &sealed.Options{MaxDecompressedSize: int64(len(ev))}); err != nil {
		t.Errorf("exactly at the cap: %v", err)
	}
	_, err := sealed.Unseal(blob, []sealed.Key{key}, &sealed.Options{MaxDecompressedSize: int64(len(ev) - 1)})
	if !errors.Is(err, sealed.ErrTooLarge) {
		t.Errorf("one byte over the cap: got %v, want ErrTooLarge", err)
	}
	if _, err := sealed.Unseal(blob, []sealed.Key{key}, nil); err != nil {
		t.Errorf("nil options: %v", err)
	}
}

func TestUnseal_DefaultCap(t *testing.T) {
	t.Parallel()
	key := randomKey(t)
	blob := sealRaw(t, zeroStream(t, sealed.DefaultMaxDecompressedSize+1), key.Bytes())
	_, err := sealed.Unseal(blob, []sealed.Key{key}, nil)
	if !errors.Is(err, sealed.ErrTooLarge) {
		t.Fatalf("got %v, want ErrTooLarge", err)
	}
	// At the cap the size check passes and JSON decoding reports the zeros instead.
	blob = sealRaw(t, zeroStream(t, sealed.DefaultMaxDecompressedSize), key.Bytes())
	_, err = sealed.Unseal(blob, []sealed.Key{key}, nil)
	if !errors.Is(err, sealed.ErrInvalidEvent) {
		t.Fatalf("at the cap: got %v, want ErrInvalidEvent", err)
	}
}

// zeroChunk is the unit zeroStream repeats. It is at least the 32 KiB DEFLATE window, so
// after one chunk of zeros a chunk compressed against a zero dictionary is valid.
const zeroChunk = 64 << 10

// zeroStream builds a raw DEFLATE stream that inflates to exactly n zero bytes while
// compressing at most three chunks: one chunk without history, one copy compressed against
// a zero dictionary and repeated as often as needed, and a final block for the rest.
func zeroStream(t testing.TB, n int64) []byte {
	t.Helper()
	compress := func(dict []byte, size int64, final bool) []byte {
		var buf bytes.Buffer
		zw, err := flate.NewWriterDict(&buf, flate.BestCompression, dict)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := zw.Write(make([]byte, size)); err != nil {
			t.Fatal(err)
		}
		if final {
			err = zw.Close()
		} else {
			err = zw.Flush() // non-final, byte-aligned: streams can be concatenated
		}
		if err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	if n < zeroChunk {
		return compress(nil, n, true)
	}
	zeros := make([]byte, 32<<10)
	first, repeat := compress(nil, zeroChunk, false), compress(zeros, zeroChunk, false)
	copies := (n - zeroChunk) / zeroChunk
	tail := compress(zeros, (n-zeroChunk)%zeroChunk, true)
	out := make([]byte, 0, len(first)+int(copies)*len(repeat)+len(tail))
	out = append(out, first...)
	for range copies {
		out = append(out, repeat...)
	}
	return append(out, tail...)
}

func TestZeroStreamConstruction(t *testing.T) {
	t.Parallel()
	for _, n := range []int64{0, 1, zeroChunk - 1, zeroChunk, zeroChunk + 1, 5*zeroChunk + 7} {
		zr := flate.NewReader(bytes.NewReader(zeroStream(t, n)))
		got, err := io.ReadAll(zr)
		if err != nil || int64(len(got)) != n || !allZero(got) {
			t.Errorf("zeroStream(%d) inflated to %d bytes (all zero: %v), err %v", n, len(got), allZero(got), err)
		}
	}
}

// TestUnseal_OneGiBBomb is deliberately not parallel: it measures process-wide
// allocation, which other running tests would inflate. For the same reason it keeps the
// smallest of three measurements: background work can only add to the count.
func TestUnseal_OneGiBBomb(t *testing.T) {
	key := randomKey(t)
	blob := sealRaw(t, zeroStream(t, 1<<30), key.Bytes())
	t.Logf("sealed bomb: %d bytes inflating to 1 GiB", len(blob))

	least := uint64(math.MaxUint64)
	for range 3 {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := sealed.Unseal(blob, []sealed.Key{key}, nil)
		runtime.ReadMemStats(&after)
		if !errors.Is(err, sealed.ErrTooLarge) {
			t.Fatalf("got %v, want ErrTooLarge", err)
		}
		least = min(least, after.TotalAlloc-before.TotalAlloc)
	}
	t.Logf("allocated %.1f MiB while refusing the bomb", float64(least)/(1<<20))
	// The cap is 4 MiB; reading it grows a buffer to about twice that. 1 GiB is 16x the bound.
	if least > 64<<20 {
		t.Errorf("allocated %d bytes, want < 64 MiB", least)
	}
}

func TestParseKey(t *testing.T) {
	t.Parallel()
	raw := make([]byte, 32)
	for i := range raw {
		raw[i] = byte(0xF0 + i%16) // high bytes give '+' and '/' in standard base64
	}
	std := base64.StdEncoding.EncodeToString(raw)
	for name, in := range map[string]string{
		"std padded":   std,
		"std unpadded": strings.TrimRight(std, "="),
		"url safe":     base64.URLEncoding.EncodeToString(raw),
		"whitespace":   "  " + std + "\n",
	} {
		k, err := sealed.ParseKey(in)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !bytes.Equal(k.Bytes(), raw) || k.Algorithm != sealed.AlgorithmAES256GCM {
			t.Errorf("%s: got %v", name, k)
		}
	}
	for name, in := range map[string]string{
		"empty":       "",
		"blank":       "   ",
		"not base64":  "this is *not* base64!",
		"16 bytes":    base64.StdEncoding.EncodeToString(raw[:16]),
		"33 bytes":    base64.StdEncoding.EncodeToString(append(bytes.Clone(raw), 1)),
		"hex encoded": hex.EncodeToString(raw),
	} {
		_, err := sealed.ParseKey(in)
		if !errors.Is(err, sealed.ErrInvalidKey) {
			t.Errorf("%s: got %v, want ErrInvalidKey", name, err)
			continue
		}
		if in != "" && strings.TrimSpace(in) != "" && strings.Contains(err.Error(), strings.TrimSpace(in)) {
			t.Errorf("%s: error echoes the input: %v", name, err)
		}
	}
}

func BenchmarkUnsealEvent(b *testing.B) {
	key := randomKey(b)
	blob := mustSeal(b, readFixture(b, "sealed_event.json"), key)
	b.SetBytes(int64(len(blob)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := sealed.Unseal(blob, []sealed.Key{key}, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUnsealEvent_Rotation measures the cost of a stale key tried first.
func BenchmarkUnsealEvent_Rotation(b *testing.B) {
	key := randomKey(b)
	blob := mustSeal(b, readFixture(b, "sealed_event.json"), key)
	stale := randomKey(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := sealed.Unseal(blob, []sealed.Key{stale, key}, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// TestUnseal_DeviceDetails: a sealed result from a mobile SDK keeps its device_details;
// a one-component os_version ("13") stays as sent.
func TestUnseal_DeviceDetails(t *testing.T) {
	plain, err := os.ReadFile("../../testdata/wire/event_mobile_android.json")
	if err != nil {
		t.Fatal(err)
	}
	key := randomKey(t)
	ev, err := sealed.Unseal(mustSeal(t, plain, key), []sealed.Key{key}, nil)
	if err != nil {
		t.Fatal(err)
	}
	d := ev.DeviceDetails
	if d == nil || d.DeviceManufacturer == nil || d.DeviceModel == nil || d.OSVersion == nil {
		t.Fatalf("DeviceDetails = %+v, want all three fields", d)
	}
	if *d.DeviceManufacturer != "samsung" || *d.DeviceModel != "SM-A546B" || *d.OSVersion != "13" {
		t.Errorf("DeviceDetails = %q %q %q, want samsung SM-A546B 13", *d.DeviceManufacturer, *d.DeviceModel, *d.OSVersion)
	}
}

// BenchmarkUnsealFullEvent complements BenchmarkUnsealEvent (a 1.7 KB fixture) with the
// 8 KB full event.
func BenchmarkUnsealFullEvent(b *testing.B) {
	raw := make([]byte, 32)
	for i := range raw {
		raw[i] = byte(i * 7)
	}
	key := sealed.NewKey(raw, sealed.AlgorithmAES256GCM)
	blob, err := sealed.Seal(fullEventJSON(b), key)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(blob)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := sealed.Unseal(blob, []sealed.Key{key}, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// fullEventJSON returns fingerprinttest.FullEvent encoded as the API sends it: about
// 8 KB with every Smart Signal, raw device attributes, rule action and labels.
func fullEventJSON(tb testing.TB) []byte {
	tb.Helper()
	b, err := json.Marshal(fingerprinttest.FullEvent())
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
