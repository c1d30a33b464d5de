package journal

import (
	"context"
	"sync"

	"github.com/cofferhq/coffer/protocol"
)

// lockTable serialises work on one container: two items that would pause
// it, or an item and recovery, never overlap. Locks exist only while
// someone holds or waits for them.
type lockTable struct {
	mu   sync.Mutex
	held map[string]*containerLock
}

type containerLock struct {
	token chan struct{} // holds one value while the lock is taken
	refs  int           // holders and waiters
}

// Lock takes the lock of container c, waiting while another item holds it,
// until ctx ends. Call the returned function to release it.
func (j *Journal) Lock(ctx context.Context, c protocol.ContainerRef) (func(), error) {
	key := containerKey(c)
	l := j.locks.ref(key)
	select {
	case l.token <- struct{}{}:
		return sync.OnceFunc(func() { j.locks.release(key, l) }), nil
	case <-ctx.Done():
		j.locks.unref(key, l)
		return nil, ctx.Err()
	}
}

// tryLock takes the lock of container key if nobody holds it.
func (t *lockTable) tryLock(key string) (func(), bool) {
	l := t.ref(key)
	select {
	case l.token <- struct{}{}:
		return sync.OnceFunc(func() { t.release(key, l) }), true
	default:
		t.unref(key, l)
		return nil, false
	}
}

func (t *lockTable) ref(key string) *containerLock {
	t.mu.Lock()
	defer t.mu.Unlock()
	l := t.held[key]
	if l == nil {
		l = &containerLock{token: make(chan struct{}, 1)}
		t.held[key] = l
	}
	l.refs++
	return l
}

func (t *lockTable) release(key string, l *containerLock) {
	<-l.token
	t.unref(key, l)
}

func (t *lockTable) unref(key string, l *containerLock) {
	t.mu.Lock()
	defer t.mu.Unlock()
	l.refs--
	if l.refs == 0 {
		delete(t.held, key)
	}
}
