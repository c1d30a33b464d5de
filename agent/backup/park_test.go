package backup

import (
	"testing"
	"time"

	"github.com/rs/zerolog"
)

// TestParkingHandsOverOrRefuses checks the bookkeeping of parked holds:
// the next item takes a parked hold with its lock, and nothing is parked
// while an item already waits for the lock, since that item would then
// wait out the grace with the container held.
func TestParkingHandsOverOrRefuses(t *testing.T) {
	p := newParking(time.Hour, zerolog.Nop())
	const key = "default/db"
	h := &hold{what: "paused"}
	unlocked := false
	unlock := func() { unlocked = true }

	if !p.park(key, h, unlock) {
		t.Fatal("park refused with nobody waiting")
	}
	pk, done := p.claim(key)
	if pk == nil || pk.h != h {
		t.Fatalf("claim = %+v, want the parked hold", pk)
	}
	pk.unlock()
	done()
	if !unlocked {
		t.Error("the parked hold did not carry the container's lock")
	}
	if pk, done := p.claim(key); pk != nil {
		t.Errorf("claimed the same hold twice")
	} else {
		if p.park(key, h, unlock) {
			t.Error("parked while an item waits for the lock")
		}
		done()
	}
	if !p.park("default/other", h, unlock) {
		t.Error("an item waiting for one container kept another from parking")
	}
	_, done = p.claim("default/other") // stops its timer
	done()
	p.mu.Lock()
	waiting := len(p.waiting)
	p.mu.Unlock()
	if waiting != 0 {
		t.Errorf("%d containers still counted as awaited", waiting)
	}
}
