package backup

import (
	"context"
	"errors"

	"github.com/cofferhq/coffer/agent/transfer"
	"github.com/cofferhq/coffer/protocol"
)

// PutObject serves OpPutObject.
func (s *Server) PutObject(ctx context.Context, st *protocol.Stream, h protocol.Header) {
	serve(ctx, s, st, h, s.putObject)
}

// DeleteObjects serves OpDeleteObjects.
func (s *Server) DeleteObjects(ctx context.Context, st *protocol.Stream, h protocol.Header) {
	serve(ctx, s, st, h, s.deleteObjects)
}

// putObject writes a small file into a local target, whole or not at all.
func (s *Server) putObject(_ *call, req protocol.PutObjectRequest) (any, *failure) {
	obj := req.Object
	if len(req.Content) > protocol.MaxObjectSize {
		return nil, badRequest("The file %s has %d bytes; the agent takes at most %d.",
			obj.Key, len(req.Content), protocol.MaxObjectSize)
	}

	sink, err := transfer.NewLocalSink(obj.Target, obj.Key)
	if err != nil {
		return nil, localFailure(err, "The file %s cannot be created in %s: %v.",
			obj.Key, obj.Target.Dir, err)
	}
	if _, err := sink.Write(req.Content); err != nil {
		_ = sink.Abort()
		return nil, localFailure(err, "Writing %s in %s failed: %v.", obj.Key, obj.Target.Dir, err)
	}
	if err := sink.Close(); err != nil {
		return nil, localFailure(err, "Storing %s in %s failed: %v.", obj.Key, obj.Target.Dir, err)
	}
	return protocol.PutObjectResult{Size: int64(len(req.Content))}, nil
}

// deleteObjects deletes a backup's files from a local target.
func (s *Server) deleteObjects(_ *call, req protocol.DeleteObjectsRequest) (any, *failure) {
	deleted, missing, err := transfer.RemoveLocal(req.Target, req.Keys)
	if err != nil {
		return nil, localFailure(err, "Deleting backup files in %s failed after %d of %d: %v.",
			req.Target.Dir, deleted+missing, len(req.Keys), err)
	}
	return protocol.DeleteObjectsResult{Deleted: deleted, Missing: missing}, nil
}

// localFailure describes a failed file operation in a local target; a key
// that would leave the target is the control plane's mistake, not the
// disk's.
func localFailure(err error, format string, args ...any) *failure {
	code := protocol.CodeStorage
	if errors.Is(err, transfer.ErrInvalidKey) {
		code = protocol.CodeInternal
	}
	return failf(code, err, format, args...)
}
