package backup

import (
	"sync/atomic"
	"time"

	"github.com/cofferhq/coffer/protocol"
)

// progressInterval spaces progress events: often enough for a progress
// bar, rarely enough to cost nothing.
const progressInterval = 250 * time.Millisecond

// keepaliveInterval is the longest an item stays silent, even while it
// waits or its counters stand still, so that the control plane can tell
// a busy agent from a lost one.
const keepaliveInterval = 30 * time.Second

// progress counts an item's bytes as its pipeline moves them. For a
// backup, read is the uncompressed tar stream: file contents plus headers,
// so it runs ahead of a measured size by up to about 1.5 KiB a file, since
// the archive offers no count of content bytes alone; written is what the
// sink accepted. For a restore, read is the stored object and written the
// tar stream handed to extraction.
type progress struct {
	read    atomic.Int64
	written atomic.Int64
}

// report sends the counters to the control plane every progressInterval
// while they change, and once more with the totals when the returned
// function is called.
func (p *progress) report(c *call) (stop func()) {
	quit := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		p.loop(c, quit)
	}()
	return func() {
		close(quit)
		<-done
	}
}

func (p *progress) loop(c *call, quit <-chan struct{}) {
	tick := time.NewTicker(progressInterval)
	defer tick.Stop()
	var lastRead, lastWritten int64
	lastSent := time.Now()
	for {
		final := false
		select {
		case <-quit:
			final = true
		case <-tick.C:
		}
		read, written := p.read.Load(), p.written.Load()
		if read != lastRead || written != lastWritten ||
			time.Since(lastSent) >= keepaliveInterval {
			_ = c.event(protocol.ItemEvent{ReadBytes: read, WrittenBytes: written})
			lastRead, lastWritten, lastSent = read, written, time.Now()
		}
		if final {
			return
		}
	}
}
