package api

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/cofferhq/coffer/controlplane/store"
)

// updateProjectRequest changes the fields that are present. An empty
// defaultTargetId clears the default target.
type updateProjectRequest struct {
	DefaultTargetID *string `json:"defaultTargetId"`
	Consistency     *string `json:"consistency"`
}

func (s *Server) updateProject(w http.ResponseWriter, r *http.Request) *apiError {
	var req updateProjectRequest
	if e := decode(w, r, &req); e != nil {
		return e
	}
	if req.DefaultTargetID == nil && req.Consistency == nil {
		return badRequest("Send \"defaultTargetId\", \"consistency\" or both.")
	}
	if c := req.Consistency; c != nil && !validConsistency(*c) {
		return badRequest(fmt.Sprintf(
			"Field \"consistency\" is %q; want \"pause\", \"stop\" or \"none\".", *c))
	}

	p, err := s.store.GetProject(r.Context(), r.PathValue("id"))
	if err != nil {
		return s.storeError(r, err, "project")
	}
	if req.DefaultTargetID != nil {
		if e := s.setDefaultTarget(r, p.ID, *req.DefaultTargetID); e != nil {
			return e
		}
	}
	if req.Consistency != nil {
		err := s.store.SetProjectConsistency(r.Context(), p.ID, *req.Consistency)
		if err != nil {
			return s.storeError(r, err, "project")
		}
	}

	p, err = s.store.GetProject(r.Context(), p.ID)
	if err != nil {
		return s.storeError(r, err, "project")
	}
	s.log.Info().Str("project", p.ID).Msg("project updated")
	writeJSON(w, http.StatusOK, viewProject(p))
	return nil
}

// setDefaultTarget accepts the target's id or name; an empty one clears
// the default.
func (s *Server) setDefaultTarget(r *http.Request, projectID, idOrName string) *apiError {
	targetID := ""
	if idOrName != "" {
		t, err := s.store.GetTarget(r.Context(), idOrName)
		if errors.Is(err, store.ErrNotFound) {
			return errorf(http.StatusNotFound, "not_found",
				"No storage target has that id or name.")
		}
		if err != nil {
			return s.internal(r, err)
		}
		targetID = t.ID
	}

	err := s.store.SetProjectDefaultTarget(r.Context(), projectID, targetID)
	if err != nil {
		return s.storeError(r, err, "project or storage target")
	}
	return nil
}

func validConsistency(c string) bool {
	return c == "pause" || c == "stop" || c == "none"
}
