package api

import (
	"net/http"

	"github.com/cofferhq/coffer/ent"
)

type createBackupRequest struct {
	ProjectID string `json:"projectId"`
	TargetID  string `json:"targetId,omitempty"`
}

// createBackup starts a backup and answers at once with it PENDING; its
// progress is followed on the events endpoint or by polling.
func (s *Server) createBackup(w http.ResponseWriter, r *http.Request) *apiError {
	var req createBackupRequest
	if e := decode(w, r, &req); e != nil {
		return e
	}
	if req.ProjectID == "" {
		return badRequest("Field \"projectId\" is required.")
	}

	b, err := s.backups.Start(r.Context(), req.ProjectID, req.TargetID)
	if err != nil {
		return s.backupError(r, err, "project")
	}
	s.log.Info().Str("backup", b.ID).Str("projectId", b.ProjectID).
		Int("items", len(b.Edges.Items)).Msg("backup requested")
	writeJSON(w, http.StatusAccepted, viewBackup(b))
	return nil
}

// listBackups lists every backup, or a project's (by id or name), newest
// first.
func (s *Server) listBackups(w http.ResponseWriter, r *http.Request) *apiError {
	projectID := r.URL.Query().Get("projectId")
	if projectID != "" {
		p, err := s.store.GetProject(r.Context(), projectID)
		if err != nil {
			return s.storeError(r, err, "project")
		}
		projectID = p.ID
	}

	bs, err := s.store.ListBackups(r.Context(), projectID)
	if err != nil {
		return s.internal(r, err)
	}
	writeJSON(w, http.StatusOK, viewBackups(bs))
	return nil
}

func (s *Server) getBackup(w http.ResponseWriter, r *http.Request) *apiError {
	b, err := s.store.GetBackup(r.Context(), r.PathValue("id"))
	if err != nil {
		return s.storeError(r, err, "backup")
	}
	writeJSON(w, http.StatusOK, viewBackup(b))
	return nil
}

// deleteBackup deletes the backup's objects, then its record. When storage
// refuses, the record stays, with the reason as its error.
func (s *Server) deleteBackup(w http.ResponseWriter, r *http.Request) *apiError {
	if err := s.backups.Delete(r.Context(), r.PathValue("id")); err != nil {
		return s.backupError(r, err, "backup")
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func viewBackups(bs []*ent.Backup) []backupView {
	out := make([]backupView, 0, len(bs))
	for _, b := range bs {
		out = append(out, viewBackup(b))
	}
	return out
}
