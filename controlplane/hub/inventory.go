package hub

import (
	"fmt"

	"github.com/cofferhq/coffer/protocol"
)

// serveInventory applies one inventory message: a full list replaces what
// the store holds for the host, other messages are changes. The agent waits
// for each answer before it sends the next message, which keeps them in
// order.
func (s *session) serveInventory(st *protocol.Stream) error {
	m, err := st.Recv()
	if err != nil {
		return err
	}
	if m.Type != protocol.TypeRequest {
		return fmt.Errorf("read inventory: %w: %q", protocol.ErrUnexpectedFrame, m.Type)
	}
	var inv protocol.Inventory
	if err := m.Decode(&inv); err != nil {
		_ = st.Fail("bad_request", "the inventory could not be decoded")
		return err
	}
	if err := s.applyInventory(inv); err != nil {
		_ = st.Fail("unavailable", "the control plane could not record the inventory")
		return err
	}
	return st.Send(protocol.TypeResult, protocol.Empty{})
}

func (s *session) applyInventory(inv protocol.Inventory) error {
	ctx := s.hub.ctx
	if inv.RuntimeError != "" {
		// The list is empty because containerd is unreachable, not because
		// the host has no containers: keep the last known inventory and say
		// why it is stale.
		err := s.hub.store.SetHostFact(ctx, s.hostID, protocol.FactContainerd,
			"unavailable: "+inv.RuntimeError)
		if err != nil {
			return fmt.Errorf("record runtime error: %w", err)
		}
		return nil
	}
	if !inv.Full {
		err := s.hub.store.ApplyContainerChanges(ctx, s.hostID, inv.Upserts, inv.Deletes)
		if err != nil {
			return fmt.Errorf("apply inventory changes: %w", err)
		}
		return nil
	}

	err := s.hub.store.SetHostFact(ctx, s.hostID, protocol.FactContainerd, "available")
	if err != nil {
		return fmt.Errorf("record runtime status: %w", err)
	}
	if err := s.hub.store.ReplaceContainers(ctx, s.hostID, inv.Upserts); err != nil {
		return fmt.Errorf("replace inventory: %w", err)
	}
	return nil
}
