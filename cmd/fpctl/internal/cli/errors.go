package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/fpgo/fingerprint-go/fingerprint"
)

// Exit codes of every command.
const (
	exitOK      = 0
	exitFailure = 1 // API, network, invalid signature, failed deletes
	exitUsage   = 2 // unknown flag, missing argument, a value the API's bounds reject
)

// usageError is a mistake in the command line, reported with exit code 2 before any
// request is sent.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// exitError carries an exit code for an outcome that was already reported, such as an
// invalid webhook signature or a delete run with failures.
type exitError struct {
	code int
	msg  string // printed on stderr when not empty
}

func (e *exitError) Error() string { return e.msg }

// exitCode maps an error to the process exit code.
func exitCode(err error) int {
	var u *usageError
	var v *fingerprint.ValidationError
	var x *exitError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &x):
		return x.code
	case errors.As(err, &u), errors.As(err, &v):
		// A ValidationError is the SDK refusing an argument before any request.
		return exitUsage
	}
	return exitFailure
}

// errorLine renders err as the one line printed on stderr, prefixed "fpctl: ". The SDK's
// own "fingerprint: " prefix is dropped, so an API error reads
// "fpctl: GET /events/{event_id}: 404 event_not_found: ...". Newlines never reach the terminal.
func errorLine(err error) string {
	msg := strings.Join(strings.Fields(err.Error()), " ")
	msg = strings.TrimPrefix(msg, "fingerprint: ")
	if errors.Is(err, context.Canceled) {
		msg = "interrupted: " + msg
	}
	return "fpctl: " + msg
}
