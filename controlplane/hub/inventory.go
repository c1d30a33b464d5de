package hub

import (
	"fmt"

	"github.com/cofferhq/coffer/protocol"
)

// serveInventory applies the inventory the agent streams: a full list
// replaces what the store holds for the host, later messages are changes.
// Messages are applied in order, one at a time.
func (s *session) serveInventory(st *protocol.Stream) error {
	ctx := s.hub.ctx
	for {
		m, err := st.Recv()
		if err != nil {
			return err
		}
		if m.Type != protocol.TypeEvent {
			return fmt.Errorf("read inventory: %w: %q", protocol.ErrUnexpectedFrame, m.Type)
		}
		var inv protocol.Inventory
		if err := m.Decode(&inv); err != nil {
			return err
		}

		if inv.RuntimeError != "" {
			// The list is empty because containerd is unreachable, not
			// because the host has no containers: keep the last known
			// inventory and say why it is stale.
			err = s.hub.store.SetHostFact(ctx, s.hostID, protocol.FactContainerd,
				"unavailable: "+inv.RuntimeError)
			if err != nil {
				return fmt.Errorf("record runtime error: %w", err)
			}
			continue
		}
		if inv.Full {
			err = s.hub.store.SetHostFact(ctx, s.hostID, protocol.FactContainerd, "available")
			if err != nil {
				return fmt.Errorf("record runtime status: %w", err)
			}
		}
		if inv.Full {
			err = s.hub.store.ReplaceContainers(ctx, s.hostID, inv.Upserts)
		} else {
			err = s.hub.store.ApplyContainerChanges(ctx, s.hostID, inv.Upserts, inv.Deletes)
		}
		if err != nil {
			return fmt.Errorf("apply inventory: %w", err)
		}
	}
}
