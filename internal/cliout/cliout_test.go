package cliout

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

type failAfter struct {
	n   int
	buf strings.Builder
}

var errFull = errors.New("disk full")

func (f *failAfter) Write(p []byte) (int, error) {
	if f.n == 0 {
		return 0, errFull
	}
	f.n--
	return f.buf.Write(p)
}

func TestWriterKeepsFirstError(t *testing.T) {
	dst := &failAfter{n: 1}
	w := &Writer{W: dst}
	fmt.Fprintln(w, "one")
	if w.Err() != nil {
		t.Fatalf("Err after a good write = %v", w.Err())
	}
	fmt.Fprintln(w, "two")
	dst.n = 5 // the destination recovers; the report is still broken
	fmt.Fprintln(w, "three")
	if !errors.Is(w.Err(), errFull) {
		t.Fatalf("Err = %v, want %v", w.Err(), errFull)
	}
	if got := dst.buf.String(); got != "one\n" {
		t.Fatalf("written %q, want only the lines before the failure", got)
	}
}
