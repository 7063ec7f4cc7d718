package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
)

// What each file or stream the commands read can legitimately hold. Every read is
// bounded by one of these, so /dev/zero or an endless pipe is refused, never read into
// memory without end.
const (
	// maxSecretFile: a key or secret file (a secret API key is 32 characters, a
	// sealed-results key 44, a webhook secret well under 100).
	maxSecretFile = 4 << 10
	// maxIDList: --from, one ID per line. A visitor or event ID line is about 21 bytes,
	// so this is over 700,000 IDs: more than four years of deletes at 500 a day.
	maxIDList = 16 << 20
	// maxJournal: a --journal file, about 120 bytes per finished ID (a failure's
	// message adds a line of error): over 400,000 entries.
	maxJournal = 64 << 20
	// maxResumeFile: a --resume file; a --follow state holds at most maxRecentIDs
	// printed IDs of about 60 bytes each (6 MB).
	maxResumeFile = 16 << 20
)

// tooLargeError is the error of a read that found more than its bound.
type tooLargeError struct {
	what string
	max  int64
}

func (e *tooLargeError) Error() string { return e.what + " is larger than " + sizeString(e.max) }

// isTooLarge reports whether err is a read that found more than its bound.
func isTooLarge(err error) bool {
	var t *tooLargeError
	return errors.As(err, &t)
}

// readBounded reads r to its end, failing once it holds more than max bytes. It returns
// as soon as ctx is done, even when the read is blocked (a terminal or an idle pipe on
// stdin, a FIFO without a writer): Ctrl+C and SIGTERM end the command. The blocked read
// is left to the process's exit. what names the input in errors ("stdin", a file
// name); its content never appears in them.
func readBounded(ctx context.Context, r io.Reader, max int64, what string) ([]byte, error) {
	return interruptible(ctx, func() ([]byte, error) { return readAllMax(r, max, what) })
}

// readFileBounded is readBounded on the file name; opening it (which blocks on a FIFO
// until a writer comes) is interruptible too.
func readFileBounded(ctx context.Context, name string, max int64) ([]byte, error) {
	return interruptible(ctx, func() ([]byte, error) {
		f, err := os.Open(name) //nolint:gosec // G304: reading the file the user named is the point
		if err != nil {
			return nil, err
		}
		defer f.Close() //nolint:errcheck // read-only file: a Close error cannot lose data
		return readAllMax(f, max, name)
	})
}

func readAllMax(r io.Reader, max int64, what string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", what, err)
	}
	if int64(len(b)) > max {
		return nil, &tooLargeError{what: what, max: max}
	}
	return b, nil
}

// interruptible runs read in a goroutine and returns its result, or ctx's error as soon
// as ctx is done.
func interruptible(ctx context.Context, read func() ([]byte, error)) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1) // the goroutine never blocks on a result nobody takes
	go func() {
		b, err := read()
		done <- result{b, err}
	}()
	select {
	case r := <-done:
		return r.b, r.err
	case <-ctx.Done():
		return nil, fmt.Errorf("while reading input: %w", ctx.Err())
	}
}

// sizeString is n bytes in the largest whole unit: "4096 bytes", "16 MiB".
func sizeString(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
