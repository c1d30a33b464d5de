package api

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/cofferhq/coffer/controlplane/backup"
	"github.com/cofferhq/coffer/ent"
)

// sseKeepAlive is how often an idle event stream sends a comment, so that
// proxies do not close it for silence.
const sseKeepAlive = 15 * time.Second

// stateEvent is the first event of a stream: where things stand.
type stateEvent struct {
	Type     string        `json:"type"`
	Backup   backupView    `json:"backup"`
	Restores []restoreView `json:"restores"`
}

// backupEvents streams a backup's events as server-sent events, one JSON
// object per "data:" line. The first event is the current state; the
// stream ends when the backup and its restores are all finished, or when
// the client leaves. A client that falls too far behind is cut off and
// should reconnect, which starts it again from the current state.
func (s *Server) backupEvents(w http.ResponseWriter, r *http.Request) *apiError {
	id := r.PathValue("id")
	// Subscribing before reading the state means no change falls between.
	events, cancel := s.backups.Events().Subscribe(id)
	defer cancel()

	b, err := s.store.GetBackup(r.Context(), id)
	if err != nil {
		return s.storeError(r, err, "backup")
	}
	restores, err := s.store.ListRestores(r.Context(), id)
	if err != nil {
		return s.internal(r, err)
	}

	sse := newSSEWriter(w)
	if err := sse.send(stateEvent{Type: "state", Backup: viewBackup(b),
		Restores: viewRestores(restores)}); err != nil {
		return nil
	}
	if finished(b) && !s.backups.Active(id) {
		return nil
	}
	s.streamEvents(r, sse, id, events)
	return nil
}

func (s *Server) streamEvents(r *http.Request, sse *sseWriter, id string,
	events <-chan backup.Event) {
	tick := time.NewTicker(sseKeepAlive)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-tick.C:
			if sse.comment("keep-alive") != nil {
				return
			}
		case e, ok := <-events:
			if !ok || sse.send(e) != nil {
				return
			}
			if e.Final() && !s.backups.Active(id) {
				return
			}
		}
	}
}

func finished(b *ent.Backup) bool {
	return b.Status == "COMPLETED" || b.Status == "FAILED"
}

func viewRestores(rs []*ent.Restore) []restoreView {
	out := make([]restoreView, 0, len(rs))
	for _, r := range rs {
		out = append(out, viewRestore(r))
	}
	return out
}

// sseWriter writes server-sent events and flushes each at once.
type sseWriter struct {
	w  io.Writer
	rc *http.ResponseController
}

func newSSEWriter(w http.ResponseWriter) *sseWriter {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	// Buffering proxies such as nginx would hold events back.
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	return &sseWriter{w: w, rc: http.NewResponseController(w)}
}

func (s *sseWriter) send(v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode event: %w", err)
	}
	if _, err := fmt.Fprintf(s.w, "data: %s\n\n", body); err != nil {
		return fmt.Errorf("write event: %w", err)
	}
	return s.flush()
}

func (s *sseWriter) comment(text string) error {
	if _, err := fmt.Fprintf(s.w, ": %s\n\n", text); err != nil {
		return fmt.Errorf("write comment: %w", err)
	}
	return s.flush()
}

func (s *sseWriter) flush() error {
	if err := s.rc.Flush(); err != nil {
		return fmt.Errorf("flush event: %w", err)
	}
	return nil
}
