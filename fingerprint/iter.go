package fingerprint

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"iter"
)

// DefaultIterPageSize is the page size SearchEventsPages and SearchEventsIter ask for when
// params.Limit is 0. It is the largest the API allows: the API's own default, 10, would
// take 100 requests for 1,000 events instead of 10.
const DefaultIterPageSize = 100

// maxIterPages is the most pages one range over SearchEventsPages or SearchEventsIter
// fetches (over 100 million events at full pages). The iterator remembers every
// pagination_key it has used, to stop when a server sends one again, and this cap bounds
// that memory: a 16-byte digest per page, whatever the key's length, which with the map's
// overhead is about 42 bytes per page and 43 MiB at the cap. Past it the iterator yields
// an error; continue from the last page's PaginationKey with a new range, which starts
// with an empty memory.
const maxIterPages = 1 << 20

// ErrPaginationLoop is wrapped by the error SearchEventsPages and SearchEventsIter yield
// when the API sends a pagination_key that was already used in the same iteration
// (A, B, A, ...). Following it would fetch the same pages forever.
var ErrPaginationLoop = errors.New("fingerprint: search returned a pagination_key that was already used")

// SearchEventsPages returns an iterator over the pages of the search that params
// describes, following pagination_key from page to page. params is copied first (nil
// means no filter); Limit 0 means pages of DefaultIterPageSize (100) events, not the API's
// default of 10. If params.PaginationKey is set, iteration starts there.
//
// Each page's PaginationKey is the key of the page after it (nil on the last page). A long
// export can store it once the page's events are processed, and continue later, even in
// another process, by passing it back in params.PaginationKey with the same filters: no
// event is skipped or repeated.
//
// The iterator yields (page, nil) for each page, including empty ones the API may send
// before the last. On the first error (invalid params, a failed request, a cancelled
// context, a pagination_key already used in this iteration, which wraps
// ErrPaginationLoop, or more than 2^20 (1,048,576) pages) it yields (nil, err) once and stops.
// Breaking out of the loop stops it without further requests.
//
//	for page, err := range client.SearchEventsPages(ctx, params) {
//		if err != nil {
//			return err
//		}
//		save(page.Events)
//		if page.PaginationKey != nil {
//			checkpoint(*page.PaginationKey) // resume here later
//		}
//	}
func (c *Client) SearchEventsPages(ctx context.Context, params *SearchEventsParams) iter.Seq2[*EventSearch, error] {
	return c.searchPages(ctx, params, maxIterPages)
}

// searchPages is SearchEventsPages with the page cap as a parameter, for tests.
func (c *Client) searchPages(ctx context.Context, params *SearchEventsParams, maxPages int) iter.Seq2[*EventSearch, error] {
	base := params.clone()
	if base.Limit == 0 {
		base.Limit = DefaultIterPageSize
	}
	// Checked and encoded once: each page only adds its pagination_key to the query.
	invalidParams := base.validate()
	query, limit, start := base.encodeQuery(), base.pageLimit(), base.PaginationKey
	return func(yield func(*EventSearch, error) bool) {
		if err := c.usable(); err != nil {
			yield(nil, err)
			return
		}
		if invalidParams != nil {
			yield(nil, invalidParams)
			return
		}
		key := start // each range over the iterator starts from the same params
		used := newKeySet()
		if key != "" {
			used.add(key, 1)
		}
		for n := int32(1); ; n++ {
			page, err := c.searchPage(ctx, query.with(key), limit)
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(page, nil) {
				return
			}
			next := deref(page.PaginationKey)
			if next == "" {
				return
			}
			if err := ctx.Err(); err != nil {
				yield(nil, contextError(err, nil))
				return
			}
			if first, ok := used.page(next); ok {
				yield(nil, fmt.Errorf("%w: page %d sent the key that fetched page %d; stopping to avoid a loop", ErrPaginationLoop, n, first))
				return
			}
			if int(n) >= maxPages {
				yield(nil, fmt.Errorf("fingerprint: search iteration stopped after %d pages, the most one iteration follows; continue with a new iteration from the last page's PaginationKey", n))
				return
			}
			if err := checkPaginationKey(next); err != nil {
				yield(nil, err)
				return
			}
			used.add(next, n+1)
			key = next
		}
	}
}

// SearchEventsIter returns an iterator over all events matching params, following
// pagination_key from page to page as SearchEventsPages does (Limit 0 means pages of
// DefaultIterPageSize, 100, events). params is copied first (nil means no filter), and its
// PaginationKey, if set, is where iteration starts. Only one page is held at a time. To
// stop an export and resume it later, iterate with SearchEventsPages, which gives each
// page's PaginationKey.
//
// The iterator yields (event, nil) for each event. On the first error (invalid params, a
// failed request, a cancelled context, a pagination_key already used in this iteration,
// which wraps ErrPaginationLoop) it yields (nil, err) once and stops. Breaking out of the
// loop stops it without further requests.
//
//	for ev, err := range client.SearchEventsIter(ctx, params) {
//		if err != nil {
//			return err
//		}
//		use(ev)
//	}
func (c *Client) SearchEventsIter(ctx context.Context, params *SearchEventsParams) iter.Seq2[*Event, error] {
	pages := c.SearchEventsPages(ctx, params)
	return func(yield func(*Event, error) bool) {
		for page, err := range pages {
			if err != nil {
				yield(nil, err)
				return
			}
			for i := range page.Events {
				if err := ctx.Err(); err != nil {
					yield(nil, contextError(err, nil))
					return
				}
				if !yield(&page.Events[i], nil) {
					return
				}
			}
		}
	}
}

// keySet remembers the pagination keys an iteration has used, with the page each one
// fetched (1-based), so a cycle is reported with where it closed. It stores a 16-byte
// SHA-256 prefix per key, so its memory per page is fixed whatever the length of the keys
// a server sends (BenchmarkKeySet reports it).
type keySet map[[16]byte]int32

func newKeySet() keySet { return make(keySet) }

func keyDigest(key string) (d [16]byte) {
	sum := sha256.Sum256([]byte(key))
	copy(d[:], sum[:])
	return d
}

// add records that key fetched page.
func (s keySet) add(key string, page int32) { s[keyDigest(key)] = page }

// page returns the page key fetched, if it was used before.
func (s keySet) page(key string) (int32, bool) {
	p, ok := s[keyDigest(key)]
	return p, ok
}
