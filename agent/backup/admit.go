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
		stop := c.remind(fmt.Sprintf("waiting for another item of container %s/%s",
			ref.Namespace, ref.ID))
		u, err := s.cfg.Journal.Lock(c.ctx, *ref)
		stop()
		if err != nil {
			return nil, canceledFailure(c.canceled())
		}
		unlock = u
	}

	msg := fmt.Sprintf("waiting for a free slot: %d items run at once", s.cfg.MaxItems)
	stop := c.remind(msg)
	err := s.slots.acquire(c.ctx, func(ahead int) {
		c.note(fmt.Sprintf("%s, %d waiting ahead", msg, ahead))
	})
	stop()
	if err != nil {
		unlock()
		return nil, canceledFailure(c.canceled())
	}
	return func() {
		s.slots.release()
		unlock()
	}, nil
}
