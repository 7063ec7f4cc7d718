// Package searchparams describes the query parameters of the search operation (GET
// /events) as api/openapi.yaml documents them: the Go field of
// fingerprint.SearchEventsParams each one fills, and the bounds, enum values and item
// limits the API enforces. The list (params.gen.go) is generated with
// fingerprint.SearchEventsParams by `make generate` (internal/paramgen), so the CLI
// builds its search flags from it and a parameter added to the spec gets a flag without
// a hand edit.
package searchparams

// Param is one query parameter of the search operation.
type Param struct {
	Name        string   // query parameter: visitor_id
	Field       string   // field of fingerprint.SearchEventsParams: VisitorID
	Description string   // the spec's description, as written there
	Enum        []string // allowed values (of the items, for arrays); nil: any
	Min, Max    *float64 // inclusive numeric bounds; nil: unbounded
	MaxItems    int      // most values of an array; 0: unlimited
	Array       bool     // several values, one key per value
}

// ByField returns the parameter that fills the given field of
// fingerprint.SearchEventsParams.
func ByField(field string) (Param, bool) {
	for _, p := range All {
		if p.Field == field {
			return p, true
		}
	}
	return Param{}, false
}

func ptr(f float64) *float64 { return &f }
