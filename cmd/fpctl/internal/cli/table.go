package cli

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode"

	"golang.org/x/text/width"

	"github.com/fpgo/fingerprint-go/fingerprint"
)

const (
	// defaultTableWidth is used when the terminal's width is unknown.
	defaultTableWidth = 80
	// maxCellWidth caps a column when the table is not --wide.
	maxCellWidth = 60
	// wholeWidth: a column whose values are at most this wide (IDs, timestamps, IPv4
	// addresses, scores) is never shortened to fit, since half an ID is of no use;
	// it is hidden instead. Wider columns (URLs, user agents) shrink down to minShrunk.
	wholeWidth = 24
	minShrunk  = 16
	columnGap  = 2
)

// tableWriter writes aligned columns. The widths are decided once, from the header
// and the first page of events, and kept for the whole export, so rows line up
// across pages; a later, longer value is shortened with an ellipsis. Unless --wide,
// the table fits the terminal: wide columns shrink and, if that is not enough,
// columns are hidden from the right (a note on stderr names them).
type tableWriter struct {
	w      io.Writer
	fields []field
	opts   tableOpts

	pending [][]string // rows of the first page, before the layout is known
	cols    []int      // the fields shown, by index
	widths  []int      // their widths
	laidOut bool
	rows    int
	buf     bytes.Buffer
}

func newTableWriter(w io.Writer, fields []field, opts tableOpts) *tableWriter {
	if opts.width <= 0 {
		opts.width = defaultTableWidth
	}
	return &tableWriter{w: w, fields: fields, opts: opts}
}

func (t *tableWriter) Begin() error { return nil }

func (t *tableWriter) Write(ev *fingerprint.Event) error {
	doc, err := eventDoc(ev)
	if err != nil {
		return err
	}
	cells := make([]string, len(t.fields))
	for i, f := range t.fields {
		cells[i] = cell(f.text(doc, true))
	}
	t.rows++
	if !t.laidOut {
		t.pending = append(t.pending, cells)
		return nil
	}
	t.render(cells)
	return nil
}

// Flush lays the table out on the first page that has rows, then writes the page.
func (t *tableWriter) Flush() error {
	if !t.laidOut && len(t.pending) > 0 {
		t.layout()
		t.render(t.headers())
		for _, r := range t.pending {
			t.render(r)
		}
		t.pending = nil
	}
	if t.buf.Len() == 0 {
		return nil
	}
	_, err := t.w.Write(t.buf.Bytes())
	t.buf.Reset()
	return err
}

func (t *tableWriter) End() error {
	if err := t.Flush(); err != nil {
		return err
	}
	if t.rows == 0 {
		// The only output of an empty export: a failed write (closed pipe) must fail the run too.
		_, err := fmt.Fprintln(t.w, "(no events)")
		return err
	}
	return nil
}

func (t *tableWriter) Abort() error { return t.Flush() }

// headers are the column titles: the last part of each path, upper case.
func (t *tableWriter) headers() []string {
	h := make([]string, len(t.fields))
	for i, f := range t.fields {
		switch f.path {
		case "timestamp":
			h[i] = "TIME (UTC)"
		default:
			h[i] = strings.ToUpper(f.parts[len(f.parts)-1])
		}
	}
	return h
}

// layout decides which columns are shown and their widths.
func (t *tableWriter) layout() {
	t.laidOut = true
	natural := make([]int, len(t.fields))
	for i, h := range t.headers() {
		natural[i] = textWidth(h)
		for _, r := range t.pending {
			natural[i] = max(natural[i], textWidth(r[i]))
		}
		if !t.opts.wide {
			natural[i] = min(natural[i], maxCellWidth)
		}
	}
	n := len(t.fields)
	if !t.opts.wide {
		n = fitColumns(natural, t.opts.width)
	}
	t.cols = make([]int, n)
	for i := range n {
		t.cols[i] = i
	}
	t.widths = shrinkColumns(natural[:n], t.opts.width, t.opts.wide)
	if n < len(t.fields) && t.opts.note != nil {
		hidden := make([]string, 0, len(t.fields)-n)
		for _, f := range t.fields[n:] {
			hidden = append(hidden, f.path)
		}
		fmt.Fprint(t.opts.note, wrapText(fmt.Sprintf("fpctl: not shown to fit %d columns: %s (see --wide)",
			t.opts.width, strings.Join(hidden, ", ")), t.opts.width, ""))
	}
}

// fitColumns returns how many leading columns fit in total width w, each shrinkable
// column (wider than wholeWidth) at its minimum. At least one column is shown.
func fitColumns(natural []int, w int) int {
	for n := len(natural); n > 1; n-- {
		need := columnGap * (n - 1)
		for _, nw := range natural[:n] {
			if nw > wholeWidth {
				nw = minShrunk
			}
			need += nw
		}
		if need <= w {
			return n
		}
	}
	return 1
}

// shrinkColumns narrows the widest shrinkable columns, one character at a time, until
// the row fits w. A single column wider than w is cut to w.
func shrinkColumns(natural []int, w int, wide bool) []int {
	widths := append([]int(nil), natural...)
	if wide {
		return widths
	}
	total := columnGap * (len(widths) - 1)
	for _, x := range widths {
		total += x
	}
	for total > w {
		widest := -1
		for i, x := range widths {
			if natural[i] > wholeWidth && x > minShrunk && (widest < 0 || x >= widths[widest]) {
				widest = i
			}
		}
		if widest < 0 {
			break
		}
		widths[widest]--
		total--
	}
	if len(widths) == 1 && widths[0] > w {
		widths[0] = max(w, 1)
	}
	return widths
}

// render appends one row: every shown cell padded (or cut with an ellipsis) to its
// column's width, the last one not padded.
func (t *tableWriter) render(cells []string) {
	for j, i := range t.cols {
		s := cells[i]
		w := t.widths[j]
		if !t.opts.wide {
			s = truncate(s, w)
		}
		t.buf.WriteString(s)
		if j < len(t.cols)-1 {
			t.buf.WriteString(strings.Repeat(" ", max(w-textWidth(s), 0)+columnGap))
		}
	}
	t.buf.WriteByte('\n')
}

// cell keeps a table cell on one line, with nothing a terminal would act on.
func cell(s string) string {
	s = termSafe(strings.Join(strings.Fields(s), " "))
	if s == "" {
		s = "-"
	}
	return s
}

// truncate cuts s to at most w columns, ending with an ellipsis when it was cut.
func truncate(s string, w int) string {
	if textWidth(s) <= w {
		return s
	}
	var b strings.Builder
	used := 0
	for _, r := range s {
		rw := runeWidth(r)
		if used+rw > w-1 {
			break
		}
		b.WriteRune(r)
		used += rw
	}
	b.WriteString("…")
	return b.String()
}

// textWidth is the number of terminal columns s takes: East Asian wide and full-width
// characters take two, combining marks and format characters none.
func textWidth(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

func runeWidth(r rune) int {
	if r < 0x300 {
		return 1
	}
	if unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf) {
		return 0
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}
