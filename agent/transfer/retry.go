package transfer

import (
	"context"
	"math/rand/v2"
	"time"
)

// RetryPolicy bounds how long one request keeps being retried after
// transient failures.
type RetryPolicy struct {
	// Attempts is the total number of tries; default 6.
	Attempts int
	// MinDelay is the wait after the first failure; default 1 s. Each
	// further wait doubles, with jitter, up to MaxDelay.
	MinDelay time.Duration
	// MaxDelay caps one wait; default 30 s.
	MaxDelay time.Duration
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.Attempts <= 0 {
		p.Attempts = 6
	}
	if p.MinDelay <= 0 {
		p.MinDelay = time.Second
	}
	if p.MaxDelay < p.MinDelay {
		p.MaxDelay = max(30*time.Second, p.MinDelay)
	}
	return p
}

// delay returns the wait after the given failed attempt (0 for the first):
// half the exponential step plus a random share of the other half, so that
// agents failing together do not retry together.
func (p RetryPolicy) delay(attempt int) time.Duration {
	step := p.MaxDelay
	if attempt < 30 {
		step = min(p.MinDelay<<attempt, p.MaxDelay)
	}
	half := step / 2
	//nolint:gosec // G404: jitter only spreads retries out; no secret depends on it.
	return half + rand.N(half+1)
}

// retry runs op until it succeeds, fails for good, or runs out of attempts.
// Waits end early when ctx is cancelled.
func retry[T any](ctx context.Context, p RetryPolicy, op func() (T, error)) (T, error) {
	p = p.withDefaults()
	for attempt := 0; ; attempt++ {
		v, err := op()
		if err == nil || !IsRetryable(err) || attempt+1 >= p.Attempts {
			return v, err
		}
		if err := wait(ctx, p.delay(attempt)); err != nil {
			return v, err
		}
	}
}

func wait(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
