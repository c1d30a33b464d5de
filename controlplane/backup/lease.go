package backup

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/rs/zerolog"
)

// DefaultLease is how long a backup stays RUNNING without a sign of life
// from its runner. A running backup holds a lease in the database that its
// runner keeps extending: four times per period, and on progress at most
// eight times per period. When the runner's process dies the lease runs out
// and the reaper fails the backup.
const DefaultLease = 2 * time.Minute

// lease keeps one backup's lease alive.
type lease struct {
	r        *Runner
	backupID string
	log      zerolog.Logger

	mu   sync.Mutex
	last time.Time // when the lease was last extended
}

func newLease(r *Runner, backupID string, log zerolog.Logger) *lease {
	return &lease{r: r, backupID: backupID, log: log}
}

// begin marks the backup RUNNING under a fresh lease.
func (l *lease) begin(ctx context.Context) error {
	now := l.r.now()
	err := l.r.store.MarkBackupRunning(ctx, l.backupID, now.Add(l.r.lease), now)
	if err != nil {
		return fmt.Errorf("mark backup running: %w", err)
	}
	l.mu.Lock()
	l.last = now
	l.mu.Unlock()
	return nil
}

// keep extends the lease every quarter period until the returned stop is called.
func (l *lease) keep(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(l.r.lease / 4)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				l.extend(ctx)
			}
		}
	}()
	return func() { cancel(); <-done }
}

// touch extends the lease on progress, unless it was extended just now.
func (l *lease) touch(ctx context.Context) {
	l.mu.Lock()
	recent := l.r.now().Sub(l.last) < l.r.lease/8
	l.mu.Unlock()
	if !recent {
		l.extend(ctx)
	}
}

func (l *lease) extend(ctx context.Context) {
	now := l.r.now()
	err := l.r.store.ExtendBackupLease(ctx, l.backupID, now.Add(l.r.lease))
	if err != nil {
		if ctx.Err() == nil {
			l.log.Warn().Err(err).Msg("extend backup lease failed")
		}
		return
	}
	l.mu.Lock()
	l.last = now
	l.mu.Unlock()
}
