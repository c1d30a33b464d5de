package backup

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/cofferhq/coffer/agent/archive"
	"github.com/cofferhq/coffer/agent/journal"
	"github.com/cofferhq/coffer/agent/transfer"
	"github.com/cofferhq/coffer/protocol"
)

// restoreItem streams one item back onto the host. In path mode the
// archive is extracted into the target directory, created if missing; what
// is already there stays unless the archive holds the same name, so a
// restore over existing files merges with them. The target itself takes
// the mode, owner and times the source directory had.
//
// In replace mode the archive is extracted and checked beside the target's
// contents first, while its container still runs. Only then is the
// container stopped, the old contents swapped for the new, and the
// container started again: a restore that fails on the way changes
// nothing, and the container is down only for the swap.
func (s *Server) restoreItem(c *call, req protocol.RestoreItemRequest) (any, *failure) {
	target, spec, f := restorePlan(req)
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

	// The object is opened before anything is written, so that a missing
	// object or an expired URL leaves no trace.
	src, f := s.openObject(c, req)
	if f != nil {
		return nil, f
	}
	defer src.Close()

	var res protocol.RestoreItemResult
	if req.Mode == protocol.RestoreReplace {
		res, f = s.restoreReplace(c, src, target, req, spec, a)
	} else {
		res, f = restoreInto(c, src, target, req)
	}
	if f != nil {
		return nil, f
	}
	res.Duration = time.Since(started)
	return res, nil
}

// restoreReplace extracts into a staging directory inside target, then
// swaps it in with the container stopped.
func (s *Server) restoreReplace(c *call, src io.Reader, target string,
	req protocol.RestoreItemRequest, spec *holdSpec, a *admission) (
	protocol.RestoreItemResult, *failure) {
	staging, err := archive.Stage(target)
	if err != nil {
		return protocol.RestoreItemResult{}, failf(protocol.CodeInternal, err,
			"The restore target %s cannot be prepared: %v.", target, err)
	}

	res, f := restoreInto(c, src, staging.Dir, req)
	if f != nil {
		return res, discard(staging, f)
	}
	return res, s.swapHeld(c, target, staging, spec, req.KeepHeld, a)
}

// discard removes a staging directory whose files will not be swapped in,
// adding to f if that fails too.
func discard(staging *archive.Staging, f *failure) *failure {
	if err := staging.Discard(); err != nil {
		f.msg += fmt.Sprintf(" Removing the partial restore in %s failed too: %v.",
			staging.Dir, err)
	}
	return f
}

// swapHeld stops the container if there is one to stop and the item
// before did not leave it stopped, swaps the staged files in, and starts
// the container again whatever happened to the swap; or, when keepHeld
// says another volume of the container follows and the swap went well,
// leaves it stopped for that item.
func (s *Server) swapHeld(c *call, target string, staging *archive.Staging,
	spec *holdSpec, keepHeld bool, a *admission) *failure {
	h := a.takeHeld()
	if spec != nil && h == nil {
		var f *failure
		if h, _, f = s.hold(c, *spec); f != nil {
			f.msg += fmt.Sprintf(" %s was left as it was.", target)
			return discard(staging, f)
		}
	}

	// Once Replace has moved the files in, the staging directory is gone
	// and the restore stands, whatever happens to the container.
	var f *failure
	switch err := staging.Replace(); {
	case errors.Is(err, archive.ErrLeftovers):
		c.note(fmt.Sprintf("restored files are in place, but %v", err))
	case err != nil:
		f = discard(staging, failf(protocol.CodeInternal, err,
			"Moving the restored files into %s failed, and what was moved was put "+
				"back: %v.", target, err))
	}
	if h == nil {
		return f
	}
	if f == nil && keepHeld && a.park(h) {
		c.note(fmt.Sprintf("container %s stays stopped for its next volume",
			h.record.Key()))
		return nil
	}
	err := h.release(c.ctx)
	switch {
	case err == nil:
		c.note(fmt.Sprintf("container %s started", h.record.Key()))
	case f != nil:
		f.msg += fmt.Sprintf(" Container %s could not be started either: %v. "+
			"The agent keeps trying.", h.record.Key(), err)
	default:
		f = failf(protocol.CodeRuntime, err,
			"The data was restored, but container %s could not be started: %v. "+
				"The agent keeps trying.", h.record.Key(), err)
	}
	return f
}

// restorePlan checks the request and returns the target directory and,
// in replace mode with a container, the container to stop.
func restorePlan(req protocol.RestoreItemRequest) (string, *holdSpec, *failure) {
	if (req.S3 == nil) == (req.Local == nil) {
		return "", nil, badRequest("The request must name exactly one stored object.")
	}
	target := req.Target
	switch req.Mode {
	case protocol.RestorePath:
	case protocol.RestoreReplace:
		if target == "" {
			target = req.Source.Path
		}
	default:
		return "", nil, badRequest("The restore mode %q is unknown.", req.Mode)
	}
	if !checkPath(target) {
		return "", nil, badRequest("The restore target %q is not an absolute, clean path.",
			target)
	}
	if target == "/" {
		// Replacing it would empty the host; extracting over it is no
		// better.
		return "", nil, badRequest("Restoring onto the root directory is refused.")
	}

	ref := req.Source.Container
	if req.Mode != protocol.RestoreReplace || ref == nil {
		return target, nil, nil
	}
	return target, &holdSpec{ref: *ref, action: journal.ActionStop,
		purpose: journal.PurposeRestore, jobID: req.JobID, itemID: req.ItemID}, nil
}

// openObject starts reading the stored object.
func (s *Server) openObject(c *call, req protocol.RestoreItemRequest) (io.ReadCloser, *failure) {
	var r io.ReadCloser
	var err error
	if req.S3 != nil {
		d := transfer.Downloader{Client: s.cfg.HTTPClient, Retry: s.cfg.Retry}
		r, err = d.Download(c.ctx, *req.S3)
	} else {
		r, err = transfer.OpenLocal(req.Local.Target, req.Local.Key)
	}
	if err != nil {
		if cause := c.canceled(); cause != nil {
			return nil, canceledFailure(cause)
		}
		return nil, objectFailure(err)
	}
	return r, nil
}

// objectFailure describes a stored object that could not be read.
func objectFailure(err error) *failure {
	switch {
	case errors.Is(err, transfer.ErrNotFound):
		return failf(protocol.CodeStorage, err, "The stored object was not found: %v.", err)
	case errors.Is(err, transfer.ErrIncomplete):
		return failf(protocol.CodeChecksum, err,
			"The stored object's size differs from the recorded one: %v.", err)
	}
	return failf(protocol.CodeStorage, err, "Reading the stored object failed: %v.", err)
}
