// Package backup runs backups and restores: it plans a project's items,
// drives each agent through its items over the tunnel, signs the storage
// requests the agents need, verifies what they stored, writes the manifest,
// and reports progress to subscribers.
package backup

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/cofferhq/coffer/controlplane/secrets"
	"github.com/cofferhq/coffer/controlplane/store"
	"github.com/cofferhq/coffer/controlplane/targets"
	"github.com/cofferhq/coffer/ent"
	"github.com/cofferhq/coffer/protocol"
)

// Agents is what the runner needs of the hub: *hub.Hub provides it.
type Agents interface {
	Online(hostID string) bool
	Call(ctx context.Context, hostID string, op protocol.Op, req, resp any,
		onProgress func(protocol.Message)) error
	Open(ctx context.Context, hostID string, hdr protocol.Header) (*protocol.Stream, error)
}

// Config holds what a Runner needs.
type Config struct {
	Store    *store.Store
	Agents   Agents
	Key      secrets.Key
	Logger   zerolog.Logger
	Registry prometheus.Registerer
	// Now is the clock of leases and timestamps; nil means time.Now.
	Now func() time.Time
	// Lease is how long a backup survives its runner's silence before the
	// reaper fails it; zero means DefaultLease.
	Lease time.Duration
	// OpenTarget resolves a storage target; nil means targets.Open with Key.
	OpenTarget func(*ent.StorageTarget) (targets.Resolved, error)
}

// Runner owns every backup and restore running on this control plane.
type Runner struct {
	store      *store.Store
	agents     Agents
	log        zerolog.Logger
	now        func() time.Time
	lease      time.Duration
	openTarget func(*ent.StorageTarget) (targets.Resolved, error)
	metrics    *metrics
	events     *Broker

	ctx    context.Context // ends when the runner closes; parent of all jobs
	cancel context.CancelFunc
	wg     sync.WaitGroup // every goroutine the runner starts

	mu     sync.Mutex
	active map[string]int // backup id → jobs (the backup, restores) running here
	closed bool
}

// ErrClosed means the runner is shutting down and takes no new work.
var ErrClosed = errors.New("backup runner is closed")

// New returns a runner. Start its lease reaper with Run, stop it with Close.
func New(cfg Config) *Runner {
	ctx, cancel := context.WithCancel(context.Background())
	r := &Runner{
		store:      cfg.Store,
		agents:     cfg.Agents,
		log:        cfg.Logger.With().Str("component", "backup").Logger(),
		now:        cfg.Now,
		lease:      cfg.Lease,
		openTarget: cfg.OpenTarget,
		metrics:    newMetrics(cfg.Registry),
		events:     NewBroker(),
		ctx:        ctx,
		cancel:     cancel,
		active:     make(map[string]int),
	}
	if r.now == nil {
		r.now = time.Now
	}
	if r.openTarget == nil {
		key := cfg.Key
		r.openTarget = func(t *ent.StorageTarget) (targets.Resolved, error) {
			return targets.Open(t, key)
		}
	}
	if r.lease <= 0 {
		r.lease = DefaultLease
	}
	return r
}

// Events is where the runner publishes what happens to backups.
func (r *Runner) Events() *Broker { return r.events }

// Active reports whether a backup, or a restore of it, is running here.
func (r *Runner) Active(backupID string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.active[backupID] > 0
}

// Close cancels every running job and waits, at most until ctx ends, for
// them to record how they ended.
func (r *Runner) Close(ctx context.Context) error {
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
	r.cancel()

	done := make(chan struct{})
	go func() { r.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// launch runs job in a goroutine the runner waits for, counting it as
// active for backupID until it ends.
func (r *Runner) launch(backupID string, job func(ctx context.Context)) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return ErrClosed
	}
	r.active[backupID]++
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		job(r.ctx)
	}()
	return nil
}

// settle marks one job of backupID as over. It comes before the job's
// final event is published, so that a subscriber who sees that event
// also sees the job gone.
func (r *Runner) settle(backupID string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.active[backupID]--; r.active[backupID] <= 0 {
		delete(r.active, backupID)
	}
}

// cleanupTimeout bounds the writes that record how a job ended, which run
// even when the runner's context is over.
const cleanupTimeout = 15 * time.Second

// cleanupContext is for recording outcomes and aborting uploads after ctx
// may have ended.
func cleanupContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
}
