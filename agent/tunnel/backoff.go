package tunnel

import (
	"context"
	"math/rand/v2"
	"time"
)

// backoff is full-jitter exponential backoff: each wait is drawn uniformly
// from zero to a ceiling that doubles per failure up to max. Jitter keeps a
// fleet of agents from reconnecting in lockstep after a control plane
// restart.
type backoff struct {
	base, max time.Duration
	attempt   int
}

func (b *backoff) next() time.Duration {
	ceiling := b.max
	if b.attempt < 30 {
		ceiling = min(b.max, b.base<<b.attempt)
	}
	b.attempt++
	//nolint:gosec // G404: jitter only spreads reconnects out; no secret depends on it.
	return time.Duration(rand.Int64N(int64(ceiling) + 1))
}

func (b *backoff) reset() { b.attempt = 0 }

// sleep waits d or until ctx ends, reporting whether the full wait passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
