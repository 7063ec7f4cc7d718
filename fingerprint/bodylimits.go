package fingerprint

// Byte caps of 2xx response bodies, per operation (operation.maxBody, client.go). Each is
// sized from the largest legitimate response with a margin, so a hostile or broken server (or a gzip bomb, which
// net/http decompresses transparently) cannot make the client read and decode more.
// A larger body is a *DecodeError, never truncated data.
//
// The largest legitimate event is about 25 KB: a full event with every Smart Signal and
// raw device attributes is about 8 KB (fingerprinttest.FullEvent, the vendor's examples),
// plus at most 16 KB of tags (the limit the JavaScript agent documents) and a linked ID
// of at most 256 characters.
const (
	// maxEventResponseBytes caps the body of GetEvent: one event. 1 MiB is 40 times the
	// largest legitimate event and equals webhook.DefaultMaxBodyBytes, so any event the
	// webhook handler accepts by default can also be fetched.
	maxEventResponseBytes = 1 << 20
	// maxSearchBytesPerEvent is the byte budget of a search page per event asked for:
	// a page of Limit events may be Limit × 64 KiB long (2.5 times the largest legitimate
	// event), and never less than maxEventResponseBytes, so any event GetEvent reads also
	// fits in a page; searchEnvelopeBytes more cover pagination_key and total_hits.
	// For Limit 100 that is 6.27 MiB; a page of 100 full events is about 0.8 MB.
	maxSearchBytesPerEvent = 64 << 10
	// maxEdgeResponseBytes caps the body of AnalyzeRequest. The API's examples are about
	// 1 KB; 256 KiB leaves room for rule actions with many headers.
	maxEdgeResponseBytes = 256 << 10
)

// searchEnvelopeBytes is the part of a search page that is not events.
const searchEnvelopeBytes = 16 << 10

// defaultSearchLimit is the page size the API uses when limit is not sent.
const defaultSearchLimit = 10

// maxSearchLimit is the largest page size the API accepts.
const maxSearchLimit = 100

// searchBodyLimit is the byte cap of a page of at most limit events.
func searchBodyLimit(limit int) int64 {
	return max(int64(limit)*maxSearchBytesPerEvent, maxEventResponseBytes) + searchEnvelopeBytes
}

// pageLimit is the number of events a search with p may return.
func (p *SearchEventsParams) pageLimit() int {
	if p == nil || p.Limit == 0 {
		return defaultSearchLimit
	}
	return min(p.Limit, maxSearchLimit)
}
