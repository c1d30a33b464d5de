package api

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/cofferhq/coffer/controlplane/store"
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

// Bounds on a page of GET /api/backups.
const (
	defaultBackupPage = 100
	maxBackupPage     = 1000
)

// listBackups lists a page of backups, every project's or one project's
// (by id or name), newest first. When more may follow, a Link header
// gives the next page's URL.
func (s *Server) listBackups(w http.ResponseWriter, r *http.Request) *apiError {
	query := r.URL.Query()
	page, apiErr := parseBackupPage(query)
	if apiErr != nil {
		return apiErr
	}
	if page.ProjectID != "" {
		p, err := s.store.GetProject(r.Context(), page.ProjectID)
		if err != nil {
			return s.storeError(r, err, "project")
		}
		page.ProjectID = p.ID
	}

	bs, err := s.store.ListBackups(r.Context(), page)
	if errors.Is(err, store.ErrNotFound) {
		return badRequest("The 'before' parameter names no backup; pass the id of the " +
			"last backup of the previous page.")
	}
	if err != nil {
		return s.internal(r, err)
	}
	if len(bs) == page.Limit {
		next := url.Values{"limit": {strconv.Itoa(page.Limit)}, "before": {bs[len(bs)-1].ID}}
		if p := query.Get("projectId"); p != "" {
			next.Set("projectId", p)
		}
		w.Header().Set("Link", fmt.Sprintf(`</api/backups?%s>; rel="next"`, next.Encode()))
	}
	writeJSON(w, http.StatusOK, viewBackups(bs))
	return nil
}

func parseBackupPage(query url.Values) (store.BackupPage, *apiError) {
	page := store.BackupPage{
		ProjectID: query.Get("projectId"),
		Before:    query.Get("before"),
		Limit:     defaultBackupPage,
	}
	if v := query.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxBackupPage {
			return page, badRequest(fmt.Sprintf(
				"The 'limit' parameter must be a whole number from 1 to %d.", maxBackupPage))
		}
		page.Limit = n
	}
	return page, nil
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
