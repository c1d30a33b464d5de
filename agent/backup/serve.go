package backup

import (
	"context"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/cofferhq/coffer/protocol"
)

// serve runs one operation on its stream: it reads the request, watches
// the stream while run works, sends the result or the failure, and logs
// the outcome once.
func serve[Req any](ctx context.Context, s *Server, st *protocol.Stream, h protocol.Header,
	run func(c *call, req Req) (any, *failure)) {
	log := s.log.With().Str("op", string(h.Op)).Str("requestId", h.RequestID).Logger()
	var req Req
	if f := readRequest(st, &req); f != nil {
		_ = st.Fail(f.code, f.message())
		log.Error().Err(f.err).Msg("operation refused")
		return
	}
	log = withRequest(log, req)

	c := watch(ctx, st)
	defer c.end()
	started := time.Now()
	result, f := run(c, req)
	took := time.Since(started)

	if f != nil {
		_ = st.Fail(f.code, f.message())
		logFailure(log, f, took)
		return
	}
	if err := st.Send(protocol.TypeResult, result); err != nil {
		log.Info().Err(err).Dur("took", took).Msg("operation result undelivered")
		return
	}
	withResult(log.Info(), result).Dur("took", took).Msg("operation completed")
}

func readRequest(st *protocol.Stream, req any) *failure {
	m, err := st.Recv()
	if err != nil {
		return failf(protocol.CodeInternal, fmt.Errorf("read request: %w", err),
			"The agent could not read the request.")
	}
	if m.Type != protocol.TypeRequest {
		return badRequest("The agent expected a request but got a %q frame.", m.Type)
	}
	if err := m.Decode(req); err != nil {
		return failf(protocol.CodeInternal, err, "The agent could not decode the request: %v.",
			err)
	}
	return nil
}

// logFailure logs at error level what a person must look at; a cancelled
// operation is expected and logged at info.
func logFailure(log zerolog.Logger, f *failure, took time.Duration) {
	ev := log.Error()
	if f.code == protocol.CodeCanceled {
		ev = log.Info()
	}
	ev.Err(f.err).Str("code", f.code).Dur("took", took).Msg("operation failed")
}

// withRequest adds the ids of the job an operation belongs to.
func withRequest(log zerolog.Logger, req any) zerolog.Logger {
	switch r := req.(type) {
	case protocol.BackupItemRequest:
		return log.With().Str("jobId", r.JobID).Str("itemId", r.ItemID).
			Int("attempt", r.Attempt).Str("source", r.Source.Path).Logger()
	case protocol.RestoreItemRequest:
		return log.With().Str("jobId", r.JobID).Str("itemId", r.ItemID).
			Str("mode", string(r.Mode)).Str("target", r.Target).Logger()
	case protocol.MeasureRequest:
		return log.With().Str("source", r.Source.Path).Logger()
	case protocol.PutObjectRequest:
		return log.With().Str("dir", r.Object.Target.Dir).Str("key", r.Object.Key).Logger()
	case protocol.DeleteObjectsRequest:
		return log.With().Str("dir", r.Target.Dir).Int("keys", len(r.Keys)).Logger()
	}
	return log
}

// withResult adds the sizes an operation reports.
func withResult(ev *zerolog.Event, result any) *zerolog.Event {
	switch r := result.(type) {
	case protocol.BackupItemResult:
		return ev.Int64("size", r.Size).Int64("sourceBytes", r.SourceBytes).
			Int64("files", r.Files).Int("parts", len(r.Parts)).Int("warnings", len(r.Warnings))
	case protocol.RestoreItemResult:
		return ev.Int64("bytes", r.Bytes).Int64("files", r.Files)
	case protocol.MeasureResult:
		return ev.Int64("bytes", r.Bytes).Int64("files", r.Files)
	case protocol.PutObjectResult:
		return ev.Int64("size", r.Size)
	case protocol.DeleteObjectsResult:
		return ev.Int("deleted", r.Deleted).Int("missing", r.Missing)
	}
	return ev
}
