//go:build unix

package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestWarnsOnReadableKeyFile: a key or secret file that its group or others can read
// gets ssh's kind of warning on stderr, naming the file and the fix; a 0600 file none.
func TestWarnsOnReadableKeyFile(t *testing.T) {
	dir := t.TempDir()
	for _, mode := range []os.FileMode{0o644, 0o640, 0o604, 0o600, 0o400} {
		key := filepath.Join(dir, "key"+mode.String())
		if err := os.WriteFile(key, []byte("sk_0123456789abcdef0123456789abcdef\n"), 0o600); err != nil { // also read as a (malformed) sealed key
			t.Fatal(err)
		}
		if err := os.Chmod(key, mode); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{
			{"events", "get", "--api-key-file", key, "--base-url", "http://127.0.0.1:1", "--retries", "0", "1708102555327.NLOjmg"},
			{"webhooks", "sign", "--secret-file", key, "-"},
			{"unseal", "--key-file", key, "-"}, // a sealed-results key decrypts every event
			{"seal", "--key-file", key, "-"},
		} {
			var stderr bytes.Buffer
			Run(t.Context(), args, &Env{Stdin: strings.NewReader("{}"), Stderr: &stderr})
			flag := args[slices.Index(args, key)-1]
			warned := strings.Contains(stderr.String(), "warning: "+flag+" "+key+" is readable by") &&
				strings.Contains(stderr.String(), "chmod 600 "+key)
			if want := mode&0o077 != 0; warned != want {
				t.Errorf("%v mode %04o: warned %v, want %v; stderr %q", args[:2], mode.Perm(), warned, want, stderr.String())
			}
			if strings.Contains(stderr.String(), "sk_0123") {
				t.Errorf("the key reached stderr: %q", stderr.String())
			}
		}
	}
}
