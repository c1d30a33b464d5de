package backup

import (
	"context"
	"sync"
	"time"

	"github.com/rs/zerolog"
)

// DefaultHoldGrace is how long a container stays paused or stopped for
// its next volume, by default.
const DefaultHoldGrace = time.Minute

// parking keeps a container held from one item to the next, when the
// control plane says another volume of the same container follows. A
// backup then reads every volume of the container at one instant, as an
// application that spreads its data over several volumes needs, and a
// restore in place starts the container only once all its volumes are
// restored.
//
// A parked hold keeps its container's lock, so that neither recovery nor
// another item touches the container while it waits. The next item of
// the same container takes the hold over with the lock; any other item
// releases it first. If no item comes within the grace, it is released
// anyway, since a control plane that went away must not leave the
// container frozen.
type parking struct {
	grace time.Duration
	log   zerolog.Logger

	mu      sync.Mutex
	holds   map[string]*parked // by container key
	waiting map[string]int     // items about to wait for a container's lock
	closed  bool
}

// parked is a hold waiting for the next item, with the container lock it
// keeps.
type parked struct {
	h      *hold
	unlock func()
	timer  *time.Timer
}

func newParking(grace time.Duration, log zerolog.Logger) *parking {
	return &parking{
		grace:   grace,
		log:     log,
		holds:   make(map[string]*parked),
		waiting: make(map[string]int),
	}
}

// claim takes the hold parked for the container, if any, and counts the
// caller among those who want the container's lock until done is called.
// Counting happens in the same step as the look-up, so that a hold is
// never parked while an item already waits for the lock it keeps: that
// item would wait out the grace.
func (p *parking) claim(key string) (pk *parked, done func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if pk = p.holds[key]; pk != nil {
		delete(p.holds, key)
		pk.timer.Stop()
	}
	p.waiting[key]++
	return pk, sync.OnceFunc(func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.waiting[key]--; p.waiting[key] <= 0 {
			delete(p.waiting, key)
		}
	})
}

// park keeps h and the container lock for the next item. It refuses when
// another item already waits for the lock or the server is closing; the
// caller then releases as usual.
func (p *parking) park(key string, h *hold, unlock func()) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || p.waiting[key] > 0 {
		return false
	}
	pk := &parked{h: h, unlock: unlock}
	pk.timer = time.AfterFunc(p.grace, func() { p.expire(key, pk) })
	p.holds[key] = pk
	return true
}

// expire releases pk when no item took it over in time.
func (p *parking) expire(key string, pk *parked) {
	p.mu.Lock()
	if p.holds[key] != pk {
		p.mu.Unlock()
		return // taken over meanwhile
	}
	delete(p.holds, key)
	p.mu.Unlock()

	err := pk.free(context.Background())
	ev := p.log.Warn()
	if err != nil {
		ev = p.log.Error().Err(err)
	}
	ev.Str("container", pk.h.record.Key()).Dur("grace", p.grace).
		Msg("no further item came for a container held between volumes; released it")
}

// close stops parking and releases every parked hold.
func (p *parking) close(ctx context.Context) error {
	p.mu.Lock()
	p.closed = true
	holds := p.holds
	p.holds = make(map[string]*parked)
	p.mu.Unlock()

	var first error
	for _, pk := range holds {
		pk.timer.Stop()
		if err := pk.free(ctx); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// free resumes or starts the container and gives its lock back.
func (pk *parked) free(ctx context.Context) error {
	defer pk.unlock()
	return pk.h.release(ctx)
}
