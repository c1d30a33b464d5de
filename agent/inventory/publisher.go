// Package inventory keeps the control plane's picture of this host's
// containers current: a full list on every connect, then the changes that
// containerd's events announce.
package inventory

import (
	"context"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/cofferhq/coffer/agent/runtime"
	"github.com/cofferhq/coffer/protocol"
)

// retryInterval is how long the publisher waits before trying containerd
// again after it could not be reached or its event stream broke.
const retryInterval = 5 * time.Second

// Publisher streams the inventory over one tunnel session.
type Publisher struct {
	Runtime runtime.Config
	Logger  zerolog.Logger
	// Retry overrides retryInterval in tests.
	Retry time.Duration
}

// Run publishes until ctx ends or send fails. send must deliver messages in
// order; a failed send means the session is gone.
func (p *Publisher) Run(ctx context.Context, send func(protocol.Inventory) error) error {
	retry := p.Retry
	if retry == 0 {
		retry = retryInterval
	}
	reported := ""
	for ctx.Err() == nil {
		err := p.publish(ctx, send)
		if ctx.Err() != nil {
			return nil
		}
		if se, ok := err.(sendError); ok {
			return se.err
		}

		// Tell the control plane once per distinct failure, so the host
		// shows containerd as unavailable rather than as having nothing.
		if msg := err.Error(); msg != reported {
			p.Logger.Warn().Err(err).Msg("container runtime unavailable")
			if err := send(protocol.Inventory{RuntimeError: msg}); err != nil {
				return err
			}
			reported = msg
		}
		t := time.NewTimer(retry)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
	return nil
}

// sendError marks a failure to deliver, which ends Run, apart from runtime
// failures, which are retried.
type sendError struct{ err error }

func (e sendError) Error() string { return e.err.Error() }

// publish connects to containerd, sends the full list, then forwards events
// until something breaks.
func (p *Publisher) publish(ctx context.Context, send func(protocol.Inventory) error) error {
	rt, err := runtime.Connect(ctx, p.Runtime)
	if err != nil {
		return err
	}
	defer rt.Close()

	// Subscribe before listing, so no change between the list and the first
	// event is missed; a change seen twice is harmless.
	events := make(chan protocol.Inventory, 64)
	wctx, cancel := context.WithCancel(ctx)
	watchErr := make(chan error, 1)
	watchDone := make(chan struct{})
	defer func() { cancel(); <-watchDone }()
	go func() {
		defer close(watchDone)
		watchErr <- rt.Watch(wctx, func(inv protocol.Inventory) {
			select {
			case events <- inv:
			case <-wctx.Done():
			}
		})
	}()

	list, err := rt.List(ctx)
	if err != nil {
		return fmt.Errorf("list containers: %w", err)
	}
	if err := send(protocol.Inventory{Full: true, Upserts: list}); err != nil {
		return sendError{err}
	}
	p.Logger.Info().Int("containers", len(list)).Msg("inventory sent")
	return forward(ctx, events, watchErr, send)
}

func forward(ctx context.Context, events <-chan protocol.Inventory, watchErr <-chan error,
	send func(protocol.Inventory) error) error {
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case err := <-watchErr:
			if err == nil {
				err = fmt.Errorf("watch containerd events: stream ended")
			}
			return err
		case inv := <-events:
			if err := send(inv); err != nil {
				return sendError{err}
			}
		}
	}
}
