package api

import (
	"errors"
	"fmt"
	"net/http"
	"path"

	"github.com/cofferhq/coffer/controlplane/store"
)

type addPathRequest struct {
	HostID string `json:"hostId"`
	Path   string `json:"path"`
}

// addProjectPath attaches a directory of a host to a project, so that the
// project's backups hold it beside its containers' volumes.
func (s *Server) addProjectPath(w http.ResponseWriter, r *http.Request) *apiError {
	var req addPathRequest
	if e := decode(w, r, &req); e != nil {
		return e
	}
	if e := checkPathRequest(req); e != nil {
		return e
	}

	p, err := s.store.GetProject(r.Context(), r.PathValue("id"))
	if err != nil {
		return s.storeError(r, err, "project")
	}
	if _, err := s.store.GetHost(r.Context(), req.HostID); err != nil {
		return s.storeError(r, err, "host")
	}

	pp, err := s.store.AddProjectPath(r.Context(), p.ID, req.HostID, req.Path)
	if errors.Is(err, store.ErrConflict) {
		return errorf(http.StatusConflict, "conflict",
			"That path of that host is already part of the project.")
	}
	if err != nil {
		return s.storeError(r, err, "project or host")
	}
	s.log.Info().Str("project", p.ID).Str("host", req.HostID).Str("path", req.Path).
		Msg("project path added")
	writeJSON(w, http.StatusCreated, viewPath(pp))
	return nil
}

func checkPathRequest(req addPathRequest) *apiError {
	if req.HostID == "" {
		return badRequest("Field \"hostId\" is required.")
	}
	if req.Path == "" {
		return badRequest("Field \"path\" is required.")
	}
	if !path.IsAbs(req.Path) || path.Clean(req.Path) != req.Path {
		return badRequest(fmt.Sprintf(
			"Field \"path\" must be an absolute, clean path such as %q.",
			path.Clean("/"+req.Path)))
	}
	return nil
}

func (s *Server) listProjectPaths(w http.ResponseWriter, r *http.Request) *apiError {
	p, err := s.store.GetProject(r.Context(), r.PathValue("id"))
	if err != nil {
		return s.storeError(r, err, "project")
	}
	ps, err := s.store.ListProjectPaths(r.Context(), p.ID)
	if err != nil {
		return s.storeError(r, err, "project")
	}
	out := make([]pathView, 0, len(ps))
	for _, pp := range ps {
		out = append(out, viewPath(pp))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) deleteProjectPath(w http.ResponseWriter, r *http.Request) *apiError {
	p, err := s.store.GetProject(r.Context(), r.PathValue("id"))
	if err != nil {
		return s.storeError(r, err, "project")
	}
	pathID := r.PathValue("pathId")
	if err := s.store.DeleteProjectPath(r.Context(), p.ID, pathID); err != nil {
		return s.storeError(r, err, "path of the project")
	}
	s.log.Info().Str("project", p.ID).Str("path", pathID).Msg("project path deleted")
	w.WriteHeader(http.StatusNoContent)
	return nil
}
