package backup

import (
	"errors"

	"github.com/cofferhq/coffer/agent/transfer"
	"github.com/cofferhq/coffer/protocol"
)

// openSink starts the item's sink. receipts returns the stored parts of an
// S3 upload once it is closed, and nothing for a local file.
func (s *Server) openSink(c *call, sink protocol.Sink) (
	_ transfer.Sink, receipts func() []protocol.PartReceipt, _ *failure) {
	if sink.S3 != nil {
		up, err := transfer.NewS3Sink(c.ctx, transfer.S3SinkOptions{
			Plan:     sink.S3.Plan,
			URLs:     sink.S3.URLs,
			NextURLs: c.nextURLs,
			Retry:    s.cfg.Retry,
			Client:   s.cfg.HTTPClient,
			SpoolDir: s.cfg.SpoolDir,
		})
		if err != nil {
			return nil, nil, failf(protocol.CodeStorage, err,
				"The upload cannot start: %v.", err)
		}
		return up, up.Receipts, nil
	}

	local, err := transfer.NewLocalSink(sink.Local.Target, sink.Local.Key)
	if err != nil {
		return nil, nil, failf(protocol.CodeStorage, err,
			"The backup file %s cannot be created in %s: %v.",
			sink.Local.Key, sink.Local.Target.Dir, err)
	}
	return local, func() []protocol.PartReceipt { return nil }, nil
}

// storageFailure describes a sink that failed, naming the limit when the
// stream outgrew the upload plan.
func storageFailure(err error) *failure {
	if errors.Is(err, transfer.ErrTooManyParts) {
		return failf(protocol.CodeStorage, err,
			"The backup outgrew its upload plan; its size changed a lot since it was "+
				"measured: %v.", err)
	}
	return failf(protocol.CodeStorage, err, "Storing the backup failed: %v.", err)
}
