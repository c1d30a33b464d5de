package backup

import (
	"context"
	"fmt"
)

// admission is an item's leave to run: the lock of the container it
// changes, if any, and one of the server's slots.
type admission struct {
	s      *Server
	key    string
	unlock func()
	// held is the container as the item before left it: paused or stopped
	// already, as this item would have it. The item takes it over with
	// takeHeld; what it does not take is released when the item is done.
	held *hold
}

// admit waits until an item may run: first for the lock of the container
// it changes (if any), so that two items never pause or stop one container
// over each other, then for one of the server's slots. Call done once the
// item has finished.
func (s *Server) admit(c *call, spec *holdSpec) (*admission, *failure) {
	a := &admission{s: s, unlock: func() {}}
	if spec != nil {
		if f := a.lock(c, spec); f != nil {
			return nil, f
		}
	}

	msg := fmt.Sprintf("waiting for a free slot: %d items run at once", s.cfg.MaxItems)
	stop := c.remind(msg)
	err := s.slots.acquire(c.ctx, func(ahead int) {
		c.note(fmt.Sprintf("%s, %d waiting ahead", msg, ahead))
	})
	stop()
	if err != nil {
		a.releaseHeld()
		a.unlock()
		return nil, canceledFailure(c.canceled())
	}
	return a, nil
}

// lock takes the container's lock. A hold the item before parked for this
// one comes with the lock; a parked hold this item cannot use, one for
// another purpose or consistency mode, is released first.
func (a *admission) lock(c *call, spec *holdSpec) *failure {
	a.key = spec.ref.Namespace + "/" + spec.ref.ID
	pk, done := a.s.parking.claim(a.key)
	defer done()
	if pk != nil {
		if pk.h.record.Purpose == spec.purpose && pk.h.record.Action == spec.action {
			a.unlock, a.held = pk.unlock, pk.h
			c.note(fmt.Sprintf("container %s still %s from its volume before",
				a.key, pk.h.what))
			return nil
		}
		a.logRelease(pk.free(c.ctx))
	}

	stop := c.remind("waiting for another item of container " + a.key)
	u, err := a.s.cfg.Journal.Lock(c.ctx, spec.ref)
	stop()
	if err != nil {
		return canceledFailure(c.canceled())
	}
	a.unlock = u
	return nil
}

// park keeps h, with the container's lock, for the next item of the same
// container. It reports false when that cannot be, and h is then still
// the caller's to release.
func (a *admission) park(h *hold) bool {
	if a.key == "" || !a.s.parking.park(a.key, h, a.unlock) {
		return false
	}
	a.unlock = func() {}
	return true
}

// takeHeld hands the item the hold the item before left, if any.
func (a *admission) takeHeld() *hold {
	h := a.held
	a.held = nil
	return h
}

// done releases a hold the item did not take over, as when it failed
// early, and gives back the slot, and the container's lock unless it was
// parked.
func (a *admission) done() {
	a.releaseHeld()
	a.s.slots.release()
	a.unlock()
}

// releaseHeld resumes or starts the container the item before left held,
// unless this item took it over.
func (a *admission) releaseHeld() {
	if h := a.takeHeld(); h != nil {
		a.logRelease(h.release(context.Background()))
	}
}

// logRelease logs a failed release of a held container; the journal still
// records it, so the agent's recovery tries again.
func (a *admission) logRelease(err error) {
	if err != nil {
		a.s.log.Error().Err(err).Str("container", a.key).
			Msg("release of a container held between volumes failed")
	}
}
