package fingerprint

import (
	"bytes"
	"context"
	"encoding/json"
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"github.com/fpgo/fingerprint-go/gen"
)

// AnalyzeRequest submits the metadata of an HTTP request that reached your server to
// Automation Intelligence (POST /edge) and returns bot detection and IP intelligence for it.
// Each call creates an event, so it is retried only on 429 and on connection failures
// before the request was sent. The request is checked first (headers, method, absolute
// http(s) URL, at least one client IP).
func (c *Client) AnalyzeRequest(ctx context.Context, req *EdgeRequest) (*EdgeResponse, error) {
	if err := c.usable(); err != nil {
		return nil, err
	}
	if err := validateEdgeRequest(req); err != nil {
		return nil, err
	}
	r := *req
	if r.Tags != nil && *r.Tags == nil {
		r.Tags = nil // the API rejects "tags": null
	}
	body, err := json.Marshal(r)
	if err != nil {
		return nil, invalid("req", "cannot be encoded as JSON: %v", err)
	}
	httpReq, err := gen.NewAnalyzeRequestForAutomationIntelligenceRequestWithBody(c.server, "application/json", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	var out *EdgeResponse
	err = c.do(ctx, opAnalyze, httpReq, func(res *response) (err error) {
		out, err = decodeJSON[EdgeResponse](opAnalyze, res)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// validateEdgeRequest checks what the API would reject with 400, before any network call.
func validateEdgeRequest(req *EdgeRequest) error {
	if req == nil {
		return invalid("req", "nil *EdgeRequest")
	}
	if len(req.Headers) == 0 {
		return invalid("Headers", "at least one header is required")
	}
	for i, h := range req.Headers {
		if strings.TrimSpace(h.Name) == "" {
			return invalid("Headers["+strconv.Itoa(i)+"].Name", "empty header name")
		}
	}
	if strings.TrimSpace(req.Method) == "" {
		return invalid("Method", "empty")
	}
	u, err := url.Parse(req.URL)
	switch {
	case err != nil:
		return invalid("URL", "cannot be parsed")
	case u.Scheme != "http" && u.Scheme != "https":
		return invalid("URL", "must be an absolute http or https URL")
	case u.Host == "":
		return invalid("URL", "missing host")
	case u.Fragment != "" || strings.Contains(req.URL, "#"):
		return invalid("URL", "must not contain a fragment")
	}
	if err := checkLinkedID("LinkedID", deref(req.LinkedID)); err != nil {
		return err
	}
	v4, v6 := deref(req.IPv4Address), deref(req.IPv6Address)
	if v4 == "" && v6 == "" {
		return invalid("IPv4Address", "at least one of ipv4_address or ipv6_address is required")
	}
	if v4 != "" {
		if a, err := netip.ParseAddr(v4); err != nil || !a.Is4() {
			return invalid("IPv4Address", "%q is not an IPv4 address", v4)
		}
	}
	if v6 != "" {
		if a, err := netip.ParseAddr(v6); err != nil || !a.Is6() || a.Zone() != "" {
			return invalid("IPv6Address", "%q is not an IPv6 address", v6)
		}
	}
	return nil
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
