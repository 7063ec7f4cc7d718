// Package cliout lets a command print its report with plain fmt.Fprint* calls and still
// notice a failed write (a closed pipe, a full disk) once, before it picks its exit code.
package cliout

import "io"

// Writer passes writes to W until one fails; from then on it writes nothing and Err
// returns that first error. A report is all or nothing, so checking once at the end is
// as good as checking every line, and keeps the report code readable.
type Writer struct {
	W   io.Writer
	err error
}

// Write implements io.Writer.
func (w *Writer) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	n, err := w.W.Write(p)
	w.err = err
	return n, err
}

// Err is the first write error, or nil.
func (w *Writer) Err() error { return w.err }
