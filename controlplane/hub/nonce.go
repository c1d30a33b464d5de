package hub

import (
	"sync"
	"time"

	"github.com/cofferhq/coffer/protocol"
)

// nonceCache remembers the nonces of accepted connect proofs for as long as
// a proof's timestamp is acceptable, so a captured request cannot be
// replayed. It is per replica: replicas behind one load balancer each keep
// their own, which leaves a replay window across replicas.
type nonceCache struct {
	mu      sync.Mutex
	seen    map[string]time.Time // nonce → when it may be forgotten
	sweepAt time.Time
}

func newNonceCache() *nonceCache {
	return &nonceCache{seen: make(map[string]time.Time)}
}

// use records nonce and reports whether it was fresh.
func (c *nonceCache) use(nonce string, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()

	if now.After(c.sweepAt) {
		for n, until := range c.seen {
			if now.After(until) {
				delete(c.seen, n)
			}
		}
		c.sweepAt = now.Add(time.Minute)
	}

	if _, dup := c.seen[nonce]; dup {
		return false
	}
	// A proof is valid up to MaxClockSkew on either side of its timestamp.
	c.seen[nonce] = now.Add(2 * protocol.MaxClockSkew)
	return true
}
