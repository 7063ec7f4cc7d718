package main

import (
	"bytes"
	"errors"
	"testing"
)

var errClosedPipe = errors.New("write |1: broken pipe")

type brokenPipe struct{}

func (brokenPipe) Write([]byte) (int, error) { return 0, errClosedPipe }

// TestFailedReportWriteFails: a report nobody could read is not a pass.
func TestFailedReportWriteFails(t *testing.T) {
	root := writeModule(t, copyMap(scratchModule))
	var stderr bytes.Buffer
	if code := check(options{root: root, write: true}, brokenPipe{}, &stderr); code != exitInternal {
		t.Fatalf("-write with a broken stdout: exit %d, want %d (stderr %q)", code, exitInternal, stderr.String())
	}
	if code := check(options{root: root}, brokenPipe{}, &stderr); code != exitInternal {
		t.Fatalf("check with a broken stdout: exit %d, want %d (stderr %q)", code, exitInternal, stderr.String())
	}
	if !bytes.Contains(stderr.Bytes(), []byte("broken pipe")) {
		t.Errorf("stderr does not name the write error: %q", stderr.String())
	}
}
