package fingerprint

import (
	"context"
	"errors"
	"iter"
)

// SearchEventsIter returns an iterator over all events matching params, following
// pagination_key from page to page. params is copied first (nil means no filter), and its
// PaginationKey, if set, is where iteration starts. Only one page is held at a time.
//
// The iterator yields (event, nil) for each event. On the first error (invalid params, a
// failed request, a cancelled context) it yields (nil, err) once and stops. Breaking out of
// the loop stops it without further requests.
//
//	for ev, err := range client.SearchEventsIter(ctx, params) {
//		if err != nil {
//			return err
//		}
//		use(ev)
//	}
func (c *Client) SearchEventsIter(ctx context.Context, params *SearchEventsParams) iter.Seq2[*Event, error] {
	p := params.clone()
	return func(yield func(*Event, error) bool) {
		p := p.clone() // each range over the iterator starts from the same params
		for {
			page, err := c.SearchEvents(ctx, p)
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
			next := deref(page.PaginationKey)
			if next == "" {
				return
			}
			if next == p.PaginationKey {
				yield(nil, errors.New("fingerprint: search returned a pagination_key that was already used; stopping to avoid a loop"))
				return
			}
			p.PaginationKey = next
		}
	}
}
