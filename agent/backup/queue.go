package backup

import (
	"context"
	"slices"
	"sync"
)

// queue hands out a fixed number of slots in the order they were asked
// for. A waiter whose context ends leaves the line.
type queue struct {
	mu      sync.Mutex
	free    int
	waiting []chan struct{} // first in line first; closed when served
}

func newQueue(slots int) *queue { return &queue{free: slots} }

// acquire waits for a slot. ahead, if not nil, hears how many items are
// running or waiting ahead when the caller has to wait.
func (q *queue) acquire(ctx context.Context, ahead func(n int)) error {
	q.mu.Lock()
	if q.free > 0 && len(q.waiting) == 0 {
		q.free--
		q.mu.Unlock()
		return nil
	}
	turn := make(chan struct{})
	q.waiting = append(q.waiting, turn)
	n := len(q.waiting) - 1
	q.mu.Unlock()

	if ahead != nil {
		ahead(n)
	}
	select {
	case <-turn:
		return nil
	case <-ctx.Done():
		q.leave(turn)
		return ctx.Err()
	}
}

// leave takes a waiter out of line; if it was served meanwhile, its slot
// goes to the next one.
func (q *queue) leave(turn chan struct{}) {
	q.mu.Lock()
	if i := slices.Index(q.waiting, turn); i >= 0 {
		q.waiting = slices.Delete(q.waiting, i, i+1)
		q.mu.Unlock()
		return
	}
	q.mu.Unlock()
	q.release()
}

// release gives a slot back, to the first waiter if there is one.
func (q *queue) release() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.waiting) > 0 {
		close(q.waiting[0])
		q.waiting = q.waiting[1:]
		return
	}
	q.free++
}
