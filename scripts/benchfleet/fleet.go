package main

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/cofferhq/coffer/agent/identity"
	"github.com/cofferhq/coffer/agent/tunnel"
	"github.com/cofferhq/coffer/protocol"
)

const (
	// dialConcurrency bounds the agents connecting at once. A real fleet
	// does not arrive in one instant, and a thundering herd would measure
	// the database's write queue during handshakes, not the steady state.
	dialConcurrency = 64
	// agentUpTimeout is how long the launcher waits for one agent before
	// moving on; the agent keeps retrying in the background.
	agentUpTimeout = 30 * time.Second
	// fleetStopTimeout bounds the wait for every tunnel to close.
	fleetStopTimeout = 30 * time.Second
)

// fleet is the simulated agents, each a real tunnel client.
type fleet struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// agent is one simulated host.
type agent struct {
	client *tunnel.Client
	up     chan struct{} // closed when the first session is established
	once   sync.Once
}

// startFleet connects one tunnel client per identity. With inventory, each
// agent also holds the inventory stream open, as coffer-agent does.
func startFleet(ctx context.Context, ids []*identity.Identity, inventory bool) *fleet {
	ctx, cancel := context.WithCancel(ctx)
	f := &fleet{cancel: cancel}
	// The agents share one HTTP client: a websocket dial takes its
	// connection out of the pool, so no agent waits on another.
	hc := &http.Client{}
	slots := make(chan struct{}, dialConcurrency)

	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		for _, id := range ids {
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return
			}
			a := newAgent(id, hc, inventory)
			f.run(ctx, a)
			f.wg.Add(1)
			go func() {
				defer f.wg.Done()
				defer func() { <-slots }()
				a.waitUp(ctx)
			}()
		}
	}()
	return f
}

func newAgent(id *identity.Identity, hc *http.Client, inventory bool) *agent {
	a := &agent{up: make(chan struct{})}
	a.client = tunnel.New(tunnel.Config{
		Identity:   id,
		Logger:     zerolog.Nop(),
		HTTPClient: hc,
		OnSession: func(ctx context.Context, s *tunnel.Session) {
			a.once.Do(func() { close(a.up) })
			if inventory {
				sendInventory(ctx, s)
			}
		},
	})
	return a
}

func (f *fleet) run(ctx context.Context, a *agent) {
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		_ = a.client.Run(ctx)
	}()
}

func (a *agent) waitUp(ctx context.Context) {
	t := time.NewTimer(agentUpTimeout)
	defer t.Stop()
	select {
	case <-a.up:
	case <-t.C:
	case <-ctx.Done():
	}
}

// sendInventory reports an empty host the way a real agent reports its
// first full inventory, so the control plane holds what it holds for one.
func sendInventory(ctx context.Context, s *tunnel.Session) {
	_ = s.Call(ctx, protocol.OpInventory, protocol.Inventory{Full: true}, nil)
}

// stop disconnects every agent and waits, bounded, for the tunnels to end.
func (f *fleet) stop() bool {
	f.cancel()
	done := make(chan struct{})
	go func() {
		f.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return true
	case <-time.After(fleetStopTimeout):
		return false
	}
}
