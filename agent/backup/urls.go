package backup

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/cofferhq/coffer/protocol"
)

// urlWait is how long the agent waits for the control plane to answer a
// request for part URLs before it gives the upload up.
const urlWait = 2 * time.Minute

// urlBox holds the part URLs the control plane sent until the upload
// takes them.
type urlBox struct {
	mu      sync.Mutex
	parts   map[int32]protocol.PresignedPart
	arrived chan struct{} // signalled after each put
}

func newURLBox() urlBox {
	return urlBox{
		parts:   make(map[int32]protocol.PresignedPart),
		arrived: make(chan struct{}, 1),
	}
}

func (b *urlBox) put(parts []protocol.PresignedPart) {
	b.mu.Lock()
	for _, p := range parts {
		b.parts[p.Number] = p
	}
	b.mu.Unlock()
	select {
	case b.arrived <- struct{}{}:
	default:
	}
}

// takeWith returns every URL held once part first is among them.
func (b *urlBox) takeWith(first int32) []protocol.PresignedPart {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.parts[first]; !ok {
		return nil
	}
	parts := make([]protocol.PresignedPart, 0, len(b.parts))
	for _, p := range b.parts {
		parts = append(parts, p)
	}
	clear(b.parts)
	return parts
}

// nextURLs asks the control plane for count part URLs from first on and
// waits for its answer. It serves as the S3 sink's NextURLsFunc.
func (c *call) nextURLs(ctx context.Context, first, count int32) (
	[]protocol.PresignedPart, error) {
	if parts := c.urls.takeWith(first); parts != nil {
		return parts, nil
	}
	ask := protocol.ItemEvent{NeedURLs: &protocol.URLRange{First: first, Count: count}}
	if err := c.event(ask); err != nil {
		return nil, fmt.Errorf("ask for part urls: %w", err)
	}

	timer := time.NewTimer(urlWait)
	defer timer.Stop()
	for {
		select {
		case <-c.urls.arrived:
			if parts := c.urls.takeWith(first); parts != nil {
				return parts, nil
			}
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-timer.C:
			return nil, fmt.Errorf("wait for part urls: none from the control plane in %s",
				urlWait)
		}
	}
}
