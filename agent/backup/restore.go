package backup

import (
	"errors"
	"fmt"
	"io"
	"os"
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
// the mode, owner and times the source directory had. In replace mode the
// container is stopped, the target emptied and refilled, and the container
// started again.
func (s *Server) restoreItem(c *call, req protocol.RestoreItemRequest) (any, *failure) {
	target, spec, f := restorePlan(req)
	if f != nil {
		return nil, f
	}
	defer s.jobs.add(req.JobID)()

	var ref *protocol.ContainerRef
	if spec != nil {
		ref = &spec.ref
	}
	release, f := s.admit(c, ref)
	if f != nil {
		return nil, f
	}
	defer release()
	started := time.Now()

	// The object is opened before the container is touched, so that a
	// missing object or an expired URL costs no downtime.
	src, f := s.openObject(c, req)
	if f != nil {
		return nil, f
	}
	defer src.Close()

	res, f := s.restoreHeld(c, src, target, req, spec)
	if f != nil {
		return nil, f
	}
	res.Duration = time.Since(started)
	return res, nil
}

// restoreHeld stops the container if there is one to stop, restores, and
// starts it again whatever happened to the restore.
func (s *Server) restoreHeld(c *call, src io.Reader, target string,
	req protocol.RestoreItemRequest, spec *holdSpec) (protocol.RestoreItemResult, *failure) {
	var h *hold
	if spec != nil {
		var f *failure
		if h, _, f = s.hold(c, *spec); f != nil {
			return protocol.RestoreItemResult{}, f
		}
	}

	res, f := s.restoreInto(c, src, target, req)
	if h == nil {
		return res, f
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
	return res, f
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

// prepareTarget makes sure the target exists and, to replace it, empties it.
func prepareTarget(target string, replace bool) error {
	if err := os.MkdirAll(target, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", target, err)
	}
	if replace {
		return archive.ReplaceContents(target)
	}
	return nil
}
