package cli

import (
	"fmt"
	"strings"
	"sync"

	"github.com/fpgo/fingerprint-go/internal/apispec"
)

// paramSpec is what the embedded OpenAPI description documents about one query
// parameter of GET /events: the bounds the API enforces, checked before any request.
type paramSpec struct {
	Name        string
	Description string
	Enum        []string // allowed values (of the items, for arrays)
	Min, Max    *float64
	MaxItems    *uint64
	Array       bool
}

// searchSpec reads the search operation's parameters from api/openapi.yaml (embedded
// in the module), once per process.
var searchSpec = sync.OnceValues(func() (map[string]*paramSpec, error) {
	doc, err := apispec.Load()
	if err != nil {
		return nil, err
	}
	item := doc.Paths.Find("/events")
	if item == nil || item.Get == nil {
		return nil, fmt.Errorf("api/openapi.yaml has no GET /events")
	}
	out := make(map[string]*paramSpec)
	for _, ref := range item.Get.Parameters {
		p := ref.Value
		if p == nil || p.In != "query" {
			continue
		}
		ps := &paramSpec{Name: p.Name, Description: firstSentence(p.Description)}
		if s := p.Schema; s != nil && s.Value != nil {
			v := s.Value
			ps.Min, ps.Max = v.Min, v.Max
			if v.Type != nil && v.Type.Is("array") {
				ps.Array = true
				if v.MaxItems != nil {
					ps.MaxItems = v.MaxItems
				}
				if v.Items != nil && v.Items.Value != nil {
					v = v.Items.Value
				}
			}
			for _, e := range v.Enum {
				ps.Enum = append(ps.Enum, fmt.Sprint(e))
			}
		}
		out[p.Name] = ps
	}
	return out, nil
})

func firstSentence(s string) string {
	// Backticks would become the flag's argument name in --help (flag.UnquoteUsage).
	s = strings.Join(strings.Fields(strings.ReplaceAll(s, "`", "")), " ")
	if i := strings.Index(s, ". "); i > 0 {
		s = s[:i+1]
	}
	return s
}
