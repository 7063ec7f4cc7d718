package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/fpgo/fingerprint-go/fingerprint"
)

// eventWriter writes a stream of events in one format. Flush is called after each
// page, so output appears as pages arrive and only one page is ever buffered. End
// completes a successful export; Abort ends a failed one with what was written kept
// well-formed (a JSON array is closed).
type eventWriter interface {
	Begin() error
	Write(ev *fingerprint.Event) error
	Flush() error
	End() error
	Abort() error
}

// tableOpts is how a table is laid out: the terminal width (0 = unknown, 80 is used)
// and --wide (every column, whole values).
type tableOpts struct {
	width int
	wide  bool
	note  io.Writer // where a note about hidden columns goes (stderr)
}

// newEventWriter returns the writer of one format. term says stdout is a terminal:
// then csv cells are also made terminal-safe.
func newEventWriter(format string, w io.Writer, fields []field, continued, term bool, topts tableOpts) (eventWriter, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	switch format {
	case "jsonl":
		return &jsonlWriter{bw: bw}, nil
	case "json":
		return &jsonWriter{bw: bw}, nil
	case "csv":
		return &csvWriter{bw: bw, fields: fields, header: !continued, term: term}, nil
	case "table":
		return newTableWriter(w, fields, topts), nil
	}
	return nil, usagef("--format must be jsonl, json, csv or table, got %q", format)
}

// newEncoder writes compact JSON without HTML escaping, so URLs keep their '&'.
func newEncoder(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc
}

// encodeEvent returns ev as one line of JSON (with its newline), C1 controls and
// U+2028/U+2029 escaped. An event from the server is written as the server sent it
// (fields newer than this fpctl included), not decoded and encoded again; it is only
// compacted when the server's JSON spans lines.
func encodeEvent(buf *bytes.Buffer, ev *fingerprint.Event) ([]byte, error) {
	buf.Reset()
	// The server's bytes go straight into buf (no copy per event). Bytes that are not
	// UTF-8 (which no API sends) take the encoder's path, which replaces them, so no
	// stray 8-bit control reaches a terminal.
	if raw := ev.AppendRawJSON(buf.AvailableBuffer()); len(raw) > 0 && utf8.Valid(raw) {
		if bytes.ContainsAny(raw, "\n\r") {
			raw = bytes.Clone(raw) // Compact writes into buf, where raw lies
			if err := json.Compact(buf, raw); err != nil {
				return nil, err
			}
		} else {
			buf.Write(raw)
		}
		buf.WriteByte('\n')
		return jsonSafe(buf.Bytes()), nil
	}
	if err := newEncoder(buf).Encode(ev); err != nil {
		return nil, err
	}
	return jsonSafe(buf.Bytes()), nil
}

type jsonlWriter struct {
	bw  *bufio.Writer
	buf bytes.Buffer
}

func (j *jsonlWriter) Begin() error { return nil }
func (j *jsonlWriter) Write(ev *fingerprint.Event) error {
	b, err := encodeEvent(&j.buf, ev)
	if err != nil {
		return err
	}
	_, err = j.bw.Write(b)
	return err
}
func (j *jsonlWriter) Flush() error { return j.bw.Flush() }
func (j *jsonlWriter) End() error   { return j.bw.Flush() }
func (j *jsonlWriter) Abort() error { return j.bw.Flush() }

// jsonWriter streams one JSON array, an event per line.
type jsonWriter struct {
	bw  *bufio.Writer
	buf bytes.Buffer
	n   int
}

func (j *jsonWriter) Begin() error { _, err := j.bw.WriteString("["); return err }

func (j *jsonWriter) Write(ev *fingerprint.Event) error {
	b, err := encodeEvent(&j.buf, ev)
	if err != nil {
		return err
	}
	sep := ",\n"
	if j.n == 0 {
		sep = "\n"
	}
	j.n++
	if _, err := j.bw.WriteString(sep); err != nil {
		return err
	}
	_, err = j.bw.Write(bytes.TrimRight(b, "\n"))
	return err
}

func (j *jsonWriter) Flush() error { return j.bw.Flush() }

func (j *jsonWriter) End() error {
	end := "\n]\n"
	if j.n == 0 {
		end = "]\n"
	}
	if _, err := j.bw.WriteString(end); err != nil {
		return err
	}
	return j.bw.Flush()
}

// Abort closes the array after a failed export, so what was written is still valid
// JSON (the exit status tells that it is incomplete).
func (j *jsonWriter) Abort() error { return j.End() }

// csvWriter writes RFC 4180 CSV with formula cells neutralised (csvSafe).
type csvWriter struct {
	bw     *bufio.Writer
	fields []field
	header bool
	term   bool
}

func (c *csvWriter) Begin() error {
	if !c.header {
		return nil
	}
	names := make([]string, len(c.fields))
	for i, f := range c.fields {
		names[i] = f.path
	}
	return c.writeRow(names)
}

func (c *csvWriter) Write(ev *fingerprint.Event) error {
	doc, err := eventDoc(ev)
	if err != nil {
		return err
	}
	row := make([]string, len(c.fields))
	for i, f := range c.fields {
		row[i] = f.text(doc, false)
	}
	return c.writeRow(row)
}

func (c *csvWriter) writeRow(row []string) error {
	for i, s := range row {
		if i > 0 {
			c.bw.WriteByte(',') //nolint:errcheck // bufio keeps the first error; checked at Flush
		}
		if c.term {
			s = termSafe(s)
		}
		s, quote := csvSafe(s)
		if quote || csvNeedsQuotes(s) {
			c.bw.WriteByte('"')                                //nolint:errcheck // as above
			c.bw.WriteString(strings.ReplaceAll(s, `"`, `""`)) //nolint:errcheck // as above
			c.bw.WriteByte('"')                                //nolint:errcheck // as above
		} else {
			c.bw.WriteString(s) //nolint:errcheck // as above
		}
	}
	_, err := c.bw.WriteString("\n")
	return err
}

// csvNeedsQuotes is encoding/csv's rule: a delimiter, quote or line break anywhere, or
// a leading space.
func csvNeedsQuotes(s string) bool {
	return s != "" && (strings.ContainsAny(s, ",\"\r\n") || s[0] == ' ' || s == `\.`)
}

func (c *csvWriter) Flush() error { return c.bw.Flush() }
func (c *csvWriter) End() error   { return c.bw.Flush() }
func (c *csvWriter) Abort() error { return c.bw.Flush() }

// formatMillis renders a Unix-millisecond timestamp for humans, in UTC (the table
// header says so): 2026-12-06 11:03:07.
func formatMillis(ms int64) string {
	return time.UnixMilli(ms).UTC().Format(time.DateTime)
}
