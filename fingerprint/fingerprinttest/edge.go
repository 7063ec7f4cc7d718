package fingerprinttest

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/gen"
)

// analyzeRequest serves POST /edge: it analyzes the forwarded request, stores the
// result as an edge event (visible to GET /events/{id} and search with source=edge)
// and returns it.
//
// The analysis is deterministic and simple: the IP address picks a location from a
// fixed table, and bot_info is set for well-known automation markers in the headers
// (Googlebot, GPTBot, a ChatGPT Signature-Agent, HeadlessChrome, curl, python-requests).
func (s *Server) analyzeRequest(w http.ResponseWriter, r *http.Request) {
	var req gen.EdgeRequest
	if err := json.Unmarshal(body(r), &req); err != nil {
		writeError(w, errBodyInvalid)
		return
	}
	if req.IPv4Address == nil && req.IPv6Address == nil {
		writeError(w, errEdgeIP)
		return
	}
	if req.LinkedID != nil && utf8.RuneCountInString(*req.LinkedID) > maxLinkedIDLen {
		writeError(w, errLinkedID)
		return
	}
	if e := checkEdgeRequest(&req); e != nil {
		writeError(w, e)
		return
	}
	info, e := edgeIPInfo(req.IPv4Address, req.IPv6Address)
	if e != nil {
		writeError(w, e)
		return
	}
	now := s.cfg.now().UnixMilli()
	ev := gen.Event{
		EventID:   s.ids.eventID(now),
		Timestamp: now,
		Source:    ptr(gen.EventSourceEdge),
		URL:       ptr(req.URL),
		LinkedID:  req.LinkedID,
		Tags:      req.Tags,
		IPInfo:    info,
		BotInfo:   detectBot(req.Headers),
		Proxy:     ptr(false), ProxyConfidence: ptr(gen.ProxyConfidenceHigh),
		VPN: ptr(false), VPNConfidence: ptr(gen.VPNConfidenceHigh),
		VPNMethods: &gen.VPNMethods{PublicVPN: ptr(false), Relay: ptr(false)},
	}
	raw, err := json.Marshal(&ev)
	if err != nil {
		writeError(w, errBodyInvalid)
		return
	}
	stored, err := newStoredEvent(raw)
	if err != nil {
		writeError(w, errBodyInvalid)
		return
	}
	s.mu.Lock()
	s.putEvent(stored)
	s.edgeRequests = append(s.edgeRequests, req)
	s.mu.Unlock()

	writeEvent(w, gen.EdgeResponse{
		EventID: ev.EventID, Timestamp: ev.Timestamp, Source: ev.Source, URL: ev.URL,
		LinkedID: ev.LinkedID, Tags: ev.Tags, BotInfo: ev.BotInfo, IPInfo: *ev.IPInfo,
		Proxy: ev.Proxy, ProxyConfidence: ev.ProxyConfidence, VPN: ev.VPN,
		VPNConfidence: ev.VPNConfidence, VPNMethods: ev.VPNMethods,
	})
}

// checkEdgeRequest rejects what the API cannot analyse: an absolute http(s) URL
// without fragment, a method and named headers are required (the spec's "format: uri"
// and required fields; the messages are assumptions).
func checkEdgeRequest(req *gen.EdgeRequest) *apiError {
	if u, err := url.Parse(req.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		u.Fragment != "" || strings.Contains(req.URL, "#") {
		return badRequest("invalid url")
	}
	if strings.TrimSpace(req.Method) == "" {
		return badRequest("invalid method")
	}
	for _, h := range req.Headers {
		if strings.TrimSpace(h.Name) == "" {
			return badRequest("invalid header name")
		}
	}
	return nil
}

// EdgeRequests returns copies of the bodies of the POST /edge requests the server
// accepted, so tests can check what a middleware forwarded (for example, that cookies
// were blanked).
func (s *Server) EdgeRequests() []fingerprint.EdgeRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]gen.EdgeRequest, len(s.edgeRequests))
	for i, req := range s.edgeRequests {
		// Headers and tags are shared otherwise; a JSON round trip copies them all.
		b, _ := json.Marshal(req)
		_ = json.Unmarshal(b, &out[i])
	}
	return out
}

// edgeIPInfo builds ip_info. An IPv4-mapped IPv6 address is reported under v4, as the
// real API does.
func edgeIPInfo(v4, v6 *string) (*gen.IPInfo, *apiError) {
	info := &gen.IPInfo{}
	if v4 != nil {
		a, err := netip.ParseAddr(*v4)
		if err != nil || !a.Is4() {
			return nil, badRequest("invalid ipv4_address")
		}
		info.V4 = ipInfoV4(placeFor(a.String()), a.String())
	}
	if v6 != nil {
		a, err := netip.ParseAddr(*v6)
		if err != nil || a.Is4() || a.Zone() != "" {
			return nil, badRequest("invalid ipv6_address")
		}
		if a.Is4In6() {
			if info.V4 == nil {
				u := a.Unmap().String()
				info.V4 = ipInfoV4(placeFor(u), u)
			}
		} else {
			info.V6 = ipInfoV6(placeFor(a.String()), a.String())
		}
	}
	return info, nil
}

func placeFor(addr string) place { return places[hash(addr)%uint64(len(places))] }

// detectBot recognizes a few well-known automation markers.
func detectBot(headers []gen.EdgeRequestHeader) *gen.BotInfo {
	var ua, sigAgent string
	for _, h := range headers {
		switch strings.ToLower(h.Name) {
		case "user-agent":
			ua = h.Value
		case "signature-agent":
			sigAgent = h.Value
		}
	}
	pick := func(i int) *gen.BotInfo {
		b := knownBots[i]
		return botInfo(b.category, b.provider, b.providerURL, b.name, b.identity, b.confidence)
	}
	switch {
	case strings.Contains(sigAgent, "chatgpt.com"):
		return pick(2)
	case strings.Contains(ua, "Googlebot"):
		return pick(0)
	case strings.Contains(ua, "GPTBot"):
		return pick(1)
	case strings.Contains(ua, "Claude-User"):
		return pick(3)
	case strings.Contains(ua, "HeadlessChrome"):
		return pick(5)
	case strings.HasPrefix(ua, "curl/"), strings.HasPrefix(ua, "python-requests/"):
		return botInfo("scraping", "Unknown", "", strings.SplitN(ua, "/", 2)[0], "unknown", "high")
	}
	return nil
}

// idSource issues unique event IDs for events the server creates.
type idSource struct {
	mu     sync.Mutex
	rnd    *rand.Rand
	issued map[string]bool
}

func newIDSource(seed int64) *idSource {
	// A negative seed wraps around, which is fine: only its bits seed the generator.
	return &idSource{rnd: rand.New(rand.NewPCG(uint64(seed), 0x5eed)), issued: make(map[string]bool)} //nolint:gosec // G115, see above
}

func (s *idSource) eventID(ts int64) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		b := make([]byte, 6)
		for i := range b {
			b[i] = alnum[s.rnd.IntN(len(alnum))]
		}
		id := fmt.Sprintf("%d.%s", ts, b)
		if !s.issued[id] {
			s.issued[id] = true
			return id
		}
	}
}
