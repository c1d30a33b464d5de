package transfer

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/cofferhq/coffer/protocol"
)

// NextURLsFunc asks the control plane to presign count parts starting at
// part number first. An error from it ends the upload.
type NextURLsFunc func(ctx context.Context, first, count int32) ([]protocol.PresignedPart, error)

// expiryMargin is how long a URL must still be valid to be used: long
// enough to send a part over a slow link.
const expiryMargin = 5 * time.Minute

// partURLs hands out the presigned URL for each part number, asking the
// control plane for a new batch when it has none or only a stale one.
type partURLs struct {
	next     NextURLsFunc
	batch    int32
	maxParts int32
	now      func() time.Time

	// mu also serializes calls to next, so that two uploads do not ask
	// for the same batch at once.
	mu   sync.Mutex
	urls map[int32]protocol.PresignedPart
}

func newPartURLs(initial []protocol.PresignedPart, next NextURLsFunc,
	batch, maxParts int32) *partURLs {
	u := &partURLs{
		next:     next,
		batch:    batch,
		maxParts: maxParts,
		now:      time.Now,
		urls:     make(map[int32]protocol.PresignedPart),
	}
	u.add(initial)
	return u
}

// get returns a URL for part n that will not expire too soon.
func (u *partURLs) get(ctx context.Context, n int32) (protocol.PresignedPart, error) {
	u.mu.Lock()
	defer u.mu.Unlock()

	if part, ok := u.urls[n]; ok && u.fresh(part) {
		return part, nil
	}
	if u.next == nil {
		return protocol.PresignedPart{}, fmt.Errorf("get url for part %d: %w", n,
			newError(ErrRejected, "no source of further urls"))
	}

	count := min(u.batch, u.maxParts-n+1)
	parts, err := u.next(ctx, n, count)
	if err != nil {
		return protocol.PresignedPart{}, fmt.Errorf("get urls for parts %d+%d: %w", n, count, err)
	}
	u.add(parts)

	// A URL just signed is used even if it expires within the margin: the
	// control plane chose its lifetime.
	part, ok := u.urls[n]
	if !ok || (!part.ExpiresAt.IsZero() && !u.now().Before(part.ExpiresAt)) {
		return protocol.PresignedPart{}, fmt.Errorf("get url for part %d: %w", n,
			newError(ErrRejected, "control plane sent none that is valid"))
	}
	return part, nil
}

// fresh reports whether the URL stays valid long enough; a URL without an
// expiry time is taken as valid.
func (u *partURLs) fresh(part protocol.PresignedPart) bool {
	return part.ExpiresAt.IsZero() || u.now().Add(expiryMargin).Before(part.ExpiresAt)
}

func (u *partURLs) add(parts []protocol.PresignedPart) {
	for _, p := range parts {
		u.urls[p.Number] = p
	}
}

// done forgets a part's URL once the part is stored.
func (u *partURLs) done(n int32) {
	u.mu.Lock()
	defer u.mu.Unlock()
	delete(u.urls, n)
}
