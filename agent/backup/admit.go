package backup

import (
	"fmt"

	"github.com/cofferhq/coffer/protocol"
)

// admit waits until an item may run: first for the lock of the container
// it changes (if any), so that two items never pause or stop one container
// over each other, then for one of the server's slots. The returned
// function gives both back.
func (s *Server) admit(c *call, ref *protocol.ContainerRef) (func(), *failure) {
	unlock := func() {}
	if ref != nil {
		u, err := s.cfg.Journal.Lock(c.ctx, *ref)
		if err != nil {
			return nil, canceledFailure(c.canceled())
		}
		unlock = u
	}

	err := s.slots.acquire(c.ctx, func(ahead int) {
		c.note(fmt.Sprintf("waiting for a free slot: %d items running, %d waiting ahead",
			s.cfg.MaxItems, ahead))
	})
	if err != nil {
		unlock()
		return nil, canceledFailure(c.canceled())
	}
	return func() {
		s.slots.release()
		unlock()
	}, nil
}
