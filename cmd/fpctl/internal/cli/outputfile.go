package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// runToFile runs the command with stdout going to a temporary file beside --output, renamed over
// it when the command succeeds and removed when it fails, so FILE is either the
// complete output or left as it was. A --follow tail ended with Ctrl+C succeeds.
func (a *app) runToFile(ctx context.Context, run action, pos []string) error {
	target := a.g.output
	mode := fs.FileMode(0o600) // exports hold personal data (IP addresses, visitor IDs)
	if fi, err := os.Stat(target); err == nil {
		if !fi.Mode().IsRegular() {
			return usagef("--output %s is not a regular file", target)
		}
		mode = fi.Mode().Perm()
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("--output: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".tmp*")
	if err != nil {
		return fmt.Errorf("--output: %w", err)
	}
	defer os.Remove(tmp.Name()) //nolint:errcheck // no-op after a successful rename; else best-effort cleanup
	env := *a.env
	env.Stdout = tmp
	a.env = &env
	if err := run(ctx, a, pos); err != nil {
		_ = tmp.Close() // the command's error is the one to report
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("--output: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("--output: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("--output: %w", err)
	}
	if err := os.Rename(tmp.Name(), target); err != nil {
		return fmt.Errorf("--output: %w", err)
	}
	return nil
}
