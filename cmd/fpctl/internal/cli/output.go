package cli

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
)

// eventWriter writes a stream of events in one format. Flush is called after each
// page, so output appears as pages arrive and only one page is ever buffered.
type eventWriter interface {
	Begin() error
	Write(ev *fingerprint.Event) error
	Flush() error
	End() error
}

func newEventWriter(format string, w io.Writer, fields []field, continued bool) (eventWriter, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	switch format {
	case "jsonl":
		return &jsonlWriter{bw: bw, enc: newEncoder(bw)}, nil
	case "json":
		return &jsonWriter{bw: bw}, nil
	case "csv":
		return &csvWriter{bw: bw, cw: csv.NewWriter(bw), fields: fields, header: !continued}, nil
	case "table":
		return &tableWriter{w: w, fields: fields}, nil
	}
	return nil, usagef("--format must be jsonl, json, csv or table, got %q", format)
}

// newEncoder writes compact JSON without HTML escaping, so URLs keep their '&'.
func newEncoder(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc
}

type jsonlWriter struct {
	bw  *bufio.Writer
	enc *json.Encoder
}

func (j *jsonlWriter) Begin() error                      { return nil }
func (j *jsonlWriter) Write(ev *fingerprint.Event) error { return j.enc.Encode(ev) }
func (j *jsonlWriter) Flush() error                      { return j.bw.Flush() }
func (j *jsonlWriter) End() error                        { return j.bw.Flush() }

// jsonWriter streams one JSON array, an event per line.
type jsonWriter struct {
	bw  *bufio.Writer
	buf bytes.Buffer
	n   int
}

func (j *jsonWriter) Begin() error { _, err := j.bw.WriteString("["); return err }

func (j *jsonWriter) Write(ev *fingerprint.Event) error {
	j.buf.Reset()
	if err := newEncoder(&j.buf).Encode(ev); err != nil {
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
	_, err := j.bw.Write(bytes.TrimRight(j.buf.Bytes(), "\n"))
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

type csvWriter struct {
	bw     *bufio.Writer
	cw     *csv.Writer
	fields []field
	header bool
	row    []string
}

func (c *csvWriter) Begin() error {
	if !c.header {
		return nil
	}
	names := make([]string, len(c.fields))
	for i, f := range c.fields {
		names[i] = f.path
	}
	return c.cw.Write(names)
}

func (c *csvWriter) Write(ev *fingerprint.Event) error {
	doc, err := eventDoc(ev)
	if err != nil {
		return err
	}
	c.row = c.row[:0]
	for _, f := range c.fields {
		c.row = append(c.row, f.text(doc, false))
	}
	return c.cw.Write(c.row)
}

func (c *csvWriter) Flush() error {
	c.cw.Flush()
	if err := c.cw.Error(); err != nil {
		return err
	}
	return c.bw.Flush()
}

func (c *csvWriter) End() error { return c.Flush() }

// tableWriter aligns the columns of each page; timestamps are shown in RFC 3339 (UTC).
type tableWriter struct {
	w      io.Writer
	fields []field
	tw     *tabwriter.Writer
	header bool
	rows   int
}

func (t *tableWriter) Begin() error {
	t.tw = tabwriter.NewWriter(t.w, 0, 4, 2, ' ', 0)
	return nil
}

func (t *tableWriter) writeHeader() error {
	names := make([]string, len(t.fields))
	for i, f := range t.fields {
		names[i] = strings.ToUpper(f.path)
	}
	_, err := fmt.Fprintln(t.tw, strings.Join(names, "\t"))
	return err
}

func (t *tableWriter) Write(ev *fingerprint.Event) error {
	if !t.header {
		t.header = true
		if err := t.writeHeader(); err != nil {
			return err
		}
	}
	doc, err := eventDoc(ev)
	if err != nil {
		return err
	}
	cells := make([]string, len(t.fields))
	for i, f := range t.fields {
		cells[i] = cell(f.text(doc, true))
	}
	t.rows++
	_, err = fmt.Fprintln(t.tw, strings.Join(cells, "\t"))
	return err
}

func (t *tableWriter) Flush() error { return t.tw.Flush() }

func (t *tableWriter) End() error {
	if t.rows == 0 {
		// The only output of an empty export: a failed write (closed pipe) must fail the run too.
		if _, err := fmt.Fprintln(t.w, "(no events)"); err != nil {
			return err
		}
	}
	return t.tw.Flush()
}

// cell keeps a table cell on one line and at most 60 characters.
func cell(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 60 {
		s = string(r[:59]) + "…"
	}
	if s == "" {
		s = "-"
	}
	return s
}

// formatMillis renders a Unix-millisecond timestamp for humans.
func formatMillis(ms int64) string {
	return time.UnixMilli(ms).UTC().Format(time.RFC3339)
}
