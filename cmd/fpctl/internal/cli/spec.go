package cli

import (
	"fmt"
	"strings"
	"sync"

	"github.com/fpgo/fingerprint-go/internal/searchparams"
)

// paramSpec is what api/openapi.yaml documents about one query parameter of GET
// /events: the bounds the API enforces, checked before any request.
type paramSpec struct {
	Name        string
	Field       string // the field of fingerprint.SearchEventsParams it fills
	Description string
	Enum        []string // allowed values (of the items, for arrays)
	Min, Max    *float64
	MaxItems    *uint64
	Array       bool
}

// searchSpec lists the search operation's parameters, keyed by name, from the list
// `make generate` derives from api/openapi.yaml (internal/searchparams).
var searchSpec = sync.OnceValues(func() (map[string]*paramSpec, error) {
	out := make(map[string]*paramSpec, len(searchparams.All))
	for _, p := range searchparams.All {
		ps := &paramSpec{Name: p.Name, Field: p.Field, Description: firstSentence(p.Description),
			Enum: p.Enum, Min: p.Min, Max: p.Max, Array: p.Array}
		if p.MaxItems > 0 {
			n := uint64(p.MaxItems)
			ps.MaxItems = &n
		}
		out[p.Name] = ps
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no search parameters were generated (run make generate)")
	}
	return out, nil
})

func firstSentence(s string) string {
	// Backticks would become the flag's argument name in --help (flag.UnquoteUsage).
	s = strings.Join(strings.Fields(strings.ReplaceAll(s, "`", "")), " ")
	// The first ". " that ends a sentence; "e.g. " and "i.e. " do not.
	for from := 0; ; {
		i := strings.Index(s[from:], ". ")
		if i < 0 {
			return s
		}
		i += from
		if strings.HasSuffix(s[:i], "e.g") || strings.HasSuffix(s[:i], "i.e") {
			from = i + 2
			continue
		}
		return s[:i+1]
	}
}
