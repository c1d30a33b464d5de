package hub

import (
	"context"
	"fmt"

	"github.com/oklog/ulid/v2"

	"github.com/cofferhq/coffer/protocol"
)

// Call runs one operation on hostID's agent and decodes its result into
// resp. Progress frames go to onProgress when it is not nil.
func (h *Hub) Call(ctx context.Context, hostID string, op protocol.Op, req, resp any,
	onProgress func(protocol.Message)) error {
	h.mu.Lock()
	s := h.sessions[hostID]
	h.mu.Unlock()
	if s == nil {
		return fmt.Errorf("call %s on host %s: %w", op, hostID, ErrHostOffline)
	}

	hdr := protocol.Header{Op: op, RequestID: ulid.Make().String()}
	if err := protocol.Call(ctx, s.ys, hdr, req, resp, onProgress); err != nil {
		return fmt.Errorf("call %s on host %s: %w", op, hostID, err)
	}
	return nil
}

// Ping runs the no-op command on hostID's agent.
func (h *Hub) Ping(ctx context.Context, hostID string) error {
	return h.Call(ctx, hostID, protocol.OpPing, protocol.Empty{}, &protocol.Empty{}, nil)
}
