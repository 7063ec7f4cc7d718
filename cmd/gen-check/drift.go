package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
)

// driftReport is the difference between the wire facts of two descriptions.
type driftReport struct {
	ours, upstream facts
	onlyOurs       []string // keys ours has and upstream lacks
	onlyUpstream   []string // keys upstream has and ours lacks
	differ         []string // keys both have with different values
}

// compareSpecs loads both descriptions and compares their wire facts. upstream is a
// file or an http(s):// URL, and may be split into several files (loadUpstream).
func compareSpecs(ctx context.Context, oursPath, upstream string) (*driftReport, error) {
	return compareSpecsWithin(ctx, oursPath, upstream, defaultUpstreamLimits, nil)
}

// compareSpecsWithin is compareSpecs with the upstream limits and HTTP client given.
func compareSpecsWithin(ctx context.Context, oursPath, upstreamLocation string, lim upstreamLimits, client *http.Client) (*driftReport, error) {
	ours, err := loadSpec(ctx, oursPath)
	if err != nil {
		return nil, err
	}
	upstream, err := loadUpstream(ctx, upstreamLocation, lim, client)
	if err != nil {
		return nil, err
	}
	return diffFacts(wireFacts(ours), wireFacts(upstream)), nil
}

func diffFacts(ours, upstream facts) *driftReport {
	r := &driftReport{ours: ours, upstream: upstream}
	for k, u := range upstream {
		o, ok := ours[k]
		switch {
		case !ok:
			r.onlyUpstream = append(r.onlyUpstream, k)
		case o.value != u.value:
			r.differ = append(r.differ, k)
		}
	}
	for k := range ours {
		if _, ok := upstream[k]; !ok {
			r.onlyOurs = append(r.onlyOurs, k)
		}
	}
	sort.Strings(r.onlyOurs)
	sort.Strings(r.onlyUpstream)
	sort.Strings(r.differ)
	return r
}

func (r *driftReport) inSync() bool {
	return len(r.onlyOurs) == 0 && len(r.onlyUpstream) == 0 && len(r.differ) == 0
}

// write prints every difference, one per line, then a summary line.
func (r *driftReport) write(w io.Writer, oursName, upstreamName string) {
	for _, k := range r.onlyUpstream {
		u := r.upstream[k]
		fmt.Fprintf(w, "drift: only upstream [%s] %s: %s\n", u.kind, k, u.value)
	}
	for _, k := range r.onlyOurs {
		o := r.ours[k]
		fmt.Fprintf(w, "drift: only ours     [%s] %s: %s\n", o.kind, k, o.value)
	}
	for _, k := range r.differ {
		o, u := r.ours[k], r.upstream[k]
		fmt.Fprintf(w, "drift: differs      [%s] %s: ours %s, upstream %s\n", o.kind, k, o.value, u.value)
	}
	matched := len(r.upstream) - len(r.onlyUpstream) - len(r.differ)
	status := "ok  "
	if !r.inSync() {
		status = "FAIL"
	}
	fmt.Fprintf(w, "%s wire facts: %d/%d of %s matched by %s; %d only upstream, %d only ours, %d differ\n",
		status, matched, len(r.upstream), upstreamName, oursName, len(r.onlyUpstream), len(r.onlyOurs), len(r.differ))
}
