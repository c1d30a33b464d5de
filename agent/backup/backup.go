package backup

import (
	"fmt"
	"time"

	"github.com/cofferhq/coffer/agent/journal"
	"github.com/cofferhq/coffer/protocol"
)

// backupItem streams one item into storage, with its container paused or
// stopped around the stream as the request's consistency asks.
func (s *Server) backupItem(c *call, req protocol.BackupItemRequest) (any, *failure) {
	spec, f := backupHold(req)
	if f != nil {
		return nil, f
	}
	root, f := openSource(req.Source)
	if f != nil {
		return nil, f
	}
	defer s.jobs.add(req.JobID)()

	a, f := s.admit(c, spec)
	if f != nil {
		return nil, f
	}
	defer a.done()
	started := time.Now()

	res, f := s.backupHeld(c, root, req, spec, a)
	if f != nil {
		return nil, f
	}
	res.Duration = time.Since(started)
	return res, nil
}

// backupHeld pauses or stops the container, unless the item before left
// it so, streams, and releases the container whatever happened to the
// stream; or, when the request says another volume of the container
// follows and this one is stored, keeps it held for that item. A
// container that could not be released does not fail a stored backup; the
// result says so, and the agent's recovery keeps trying.
func (s *Server) backupHeld(c *call, root string, req protocol.BackupItemRequest,
	spec *holdSpec, a *admission) (protocol.BackupItemResult, *failure) {
	h := a.takeHeld()
	var warning string
	if spec != nil && h == nil {
		var f *failure
		if h, warning, f = s.hold(c, *spec); f != nil {
			return protocol.BackupItemResult{}, f
		}
	}

	res, f := s.streamBackup(c, root, req.Sink)
	if warning != "" {
		res.Warnings = append([]string{warning}, res.Warnings...)
	}
	if h == nil {
		return res, f
	}
	if f == nil && req.KeepHeld && a.park(h) {
		c.note(fmt.Sprintf("container %s stays %s for its next volume",
			h.record.Key(), h.what))
		return res, nil
	}
	err := h.release(c.ctx)
	switch {
	case err == nil:
		c.note(fmt.Sprintf("container %s %s", h.record.Key(), resumedOrStarted(h)))
	case f != nil:
		f.msg += fmt.Sprintf(" Container %s could not be %s either: %v. "+
			"The agent keeps trying.", h.record.Key(), resumedOrStarted(h), err)
	default:
		res.Warnings = append(res.Warnings, fmt.Sprintf(
			"container %s could not be %s: %v; the agent keeps trying",
			h.record.Key(), resumedOrStarted(h), err))
	}
	return res, f
}

func resumedOrStarted(h *hold) string {
	if h.record.Action == journal.ActionStop {
		return "started"
	}
	return "resumed"
}

// backupHold checks the request and says which container to hold, if
// any. A volume is read with its container paused unless the request
// says otherwise.
func backupHold(req protocol.BackupItemRequest) (*holdSpec, *failure) {
	if (req.Sink.S3 == nil) == (req.Sink.Local == nil) {
		return nil, badRequest("The request must name exactly one sink.")
	}
	var action journal.Action
	switch req.Consistency {
	case protocol.ConsistencyPause, "":
		action = journal.ActionPause
	case protocol.ConsistencyStop:
		action = journal.ActionStop
	case protocol.ConsistencyNone:
		return nil, nil
	default:
		return nil, badRequest("The consistency mode %q is unknown.", req.Consistency)
	}
	ref := req.Source.Container
	if ref == nil {
		return nil, nil
	}
	if ref.Namespace == "" || ref.ID == "" {
		return nil, badRequest("The source names a container without namespace or id.")
	}
	return &holdSpec{ref: *ref, action: action, purpose: journal.PurposeBackup,
		jobID: req.JobID, itemID: req.ItemID}, nil
}
