package backup

import (
	"context"
	"errors"
	"time"

	"github.com/cofferhq/coffer/protocol"
)

// errClosedByPeer is the cause of an item's cancellation when the control
// plane closes its stream, which is how it cancels an operation.
var errClosedByPeer = errors.New("control plane closed the stream")

// call is one operation in progress on a stream. While it runs, a
// goroutine reads what the control plane sends: the part URLs the
// operation asked for, and the end of the stream, which cancels it.
type call struct {
	st     *protocol.Stream
	ctx    context.Context
	cancel context.CancelCauseFunc
	done   chan struct{} // closed when the reader has returned
	urls   urlBox
}

// watch starts reading st after the request. The call's context ends with
// ctx or when the stream closes.
func watch(ctx context.Context, st *protocol.Stream) *call {
	ctx, cancel := context.WithCancelCause(ctx)
	c := &call{
		st:     st,
		ctx:    ctx,
		cancel: cancel,
		done:   make(chan struct{}),
		urls:   newURLBox(),
	}
	go c.read()
	return c
}

// read routes the control plane's frames until the stream ends. Frames
// other than events carrying URLs have no meaning here and are dropped.
func (c *call) read() {
	defer close(c.done)
	for {
		m, err := c.st.Recv()
		if err != nil {
			c.cancel(errClosedByPeer)
			return
		}
		if m.Type != protocol.TypeEvent {
			continue
		}
		var ev protocol.ItemEvent
		if m.Decode(&ev) == nil && len(ev.URLs) > 0 {
			c.urls.put(ev.URLs)
		}
	}
}

// event sends an event. A failed send needs no handling here: the stream
// is broken, so the reader cancels the call.
func (c *call) event(ev protocol.ItemEvent) error {
	return c.st.Send(protocol.TypeEvent, ev)
}

// note sends a message for a person following the item.
func (c *call) note(msg string) {
	_ = c.event(protocol.ItemEvent{Message: msg})
}

// remind sends msg every keepaliveInterval until the returned function is
// called, for an item that waits without anything else to report.
func (c *call) remind(msg string) (stop func()) {
	quit := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(keepaliveInterval)
		defer tick.Stop()
		for {
			select {
			case <-quit:
				return
			case <-tick.C:
				c.note(msg)
			}
		}
	}()
	return func() {
		close(quit)
		<-done
	}
}

// end closes the stream and waits for the reader, which returns once the
// control plane has closed its side too (or the session has ended).
func (c *call) end() {
	_ = c.st.Close()
	<-c.done
	c.cancel(nil)
}

// canceled reports why the call was cancelled, or nil if it was not.
func (c *call) canceled() error {
	if c.ctx.Err() == nil {
		return nil
	}
	return context.Cause(c.ctx)
}
