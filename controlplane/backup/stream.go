package backup

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/cofferhq/coffer/controlplane/backup/manifest"
	"github.com/cofferhq/coffer/protocol"
)

// stallTimeout fails an item whose agent sends nothing for this long. An
// agent reports progress every few seconds while it works.
const stallTimeout = 10 * time.Minute

// urlSource answers an agent's request for more part URLs.
type urlSource func(protocol.URLRange) ([]protocol.PresignedPart, error)

// errStalled ends an item whose agent went silent.
var errStalled = errors.New("no word from the agent")

// stream runs one item's exchange with its agent: the request, then events
// until the result. urls is nil when the sink needs none.
func (x *itemRun) stream(ctx context.Context, req protocol.BackupItemRequest, urls urlSource) (
	protocol.BackupItemResult, error) {
	var res protocol.BackupItemResult
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	hdr := protocol.Header{Op: protocol.OpBackupItem, RequestID: ulid.Make().String()}
	st, err := x.r.agents.Open(ctx, x.host.id, hdr)
	if err != nil {
		return res, fail(msgDisconnected, err)
	}
	defer st.Close()
	if err := st.Send(protocol.TypeRequest, req); err != nil {
		return res, fail(msgDisconnected, err)
	}

	stall := time.AfterFunc(stallTimeout, func() { cancel(errStalled) })
	defer stall.Stop()
	for {
		m, err := st.Recv()
		if err != nil {
			return res, x.streamError(ctx, err)
		}
		stall.Reset(stallTimeout)
		if m.Type == protocol.TypeResult {
			return res, x.result(m, &res)
		}
		if err := x.event(ctx, st, m, urls); err != nil {
			return res, err
		}
	}
}

// streamError explains why the stream broke off before its result.
func (x *itemRun) streamError(ctx context.Context, err error) error {
	switch cause := context.Cause(ctx); {
	case errors.Is(cause, errStalled):
		return fail(fmt.Sprintf("the agent sent nothing for %s", stallTimeout), cause)
	case cause != nil:
		return fail(msgShutdown, cause)
	}
	return fail(msgDisconnected, err)
}

func (x *itemRun) result(m protocol.Message, res *protocol.BackupItemResult) error {
	if err := m.Err(); err != nil {
		return err
	}
	if err := m.Decode(res); err != nil {
		return fail("the agent sent a result that cannot be read", err)
	}
	if res.Size < 0 || res.SourceBytes < 0 || res.Files < 0 || !manifest.IsSHA256(res.SHA256) {
		return fail("the agent sent an impossible result", errors.New("check result"))
	}
	return nil
}

// event handles one frame before the result: progress is passed on, a
// request for part URLs is answered on the stream.
func (x *itemRun) event(ctx context.Context, st *protocol.Stream, m protocol.Message,
	urls urlSource) error {
	if m.Type != protocol.TypeEvent && m.Type != protocol.TypeProgress {
		return fail("the agent broke the protocol",
			fmt.Errorf("read item stream: %w: %q", protocol.ErrUnexpectedFrame, m.Type))
	}
	var ev protocol.ItemEvent
	if err := m.Decode(&ev); err != nil {
		return fail("the agent broke the protocol", err)
	}

	if ev.NeedURLs != nil {
		if urls == nil {
			return fail("the agent asked for upload URLs a local target has none of",
				errors.New("serve url request"))
		}
		parts, err := urls(*ev.NeedURLs)
		if err != nil {
			return err
		}
		if err := st.Send(protocol.TypeEvent, protocol.ItemEvent{URLs: parts}); err != nil {
			return fail(msgDisconnected, err)
		}
	}
	x.report(ctx, ev)
	return nil
}
