package backup

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"
)

func TestQueueServesInOrder(t *testing.T) {
	q := newQueue(1)
	ctx := context.Background()
	if err := q.acquire(ctx, nil); err != nil {
		t.Fatalf("acquire: %v", err)
	}

	var mu sync.Mutex
	var order []int
	var wg sync.WaitGroup
	for i := range 5 {
		queued := make(chan struct{})
		wg.Go(func() {
			err := q.acquire(ctx, func(ahead int) {
				if ahead != i {
					t.Errorf("waiter %d has %d ahead, want %d", i, ahead, i)
				}
				close(queued)
			})
			if err != nil {
				t.Errorf("acquire %d: %v", i, err)
			}
			mu.Lock()
			order = append(order, i)
			mu.Unlock()
			q.release()
		})
		<-queued // the next waiter lines up behind this one
	}
	q.release()
	wg.Wait()

	if want := []int{0, 1, 2, 3, 4}; !slices.Equal(order, want) {
		t.Errorf("served in order %v, want %v", order, want)
	}
	if q.free != 1 || len(q.waiting) != 0 {
		t.Errorf("queue ends with %d free and %d waiting, want 1 and 0", q.free, len(q.waiting))
	}
}

func TestQueueWaitEndsWithContext(t *testing.T) {
	q := newQueue(1)
	if err := q.acquire(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := q.acquire(ctx, nil); err != context.DeadlineExceeded {
		t.Fatalf("acquire while full = %v, want DeadlineExceeded", err)
	}
	if len(q.waiting) != 0 {
		t.Errorf("%d waiters left in line after giving up, want 0", len(q.waiting))
	}
	q.release()
	if err := q.acquire(context.Background(), nil); err != nil {
		t.Fatalf("acquire after release: %v", err)
	}
}

// A waiter served just as its context ends passes the slot on rather than
// losing it.
func TestQueueLeavingPassesSlotOn(t *testing.T) {
	q := newQueue(1)
	turn := make(chan struct{})
	q.free = 0
	q.waiting = []chan struct{}{turn}
	q.release() // serves turn
	q.leave(turn)
	if q.free != 1 {
		t.Errorf("free = %d after a served waiter left, want 1", q.free)
	}
}
