package api

import (
	"net/http"
)

type createProjectRequest struct {
	Name string `json:"name"`
}

func (s *Server) createProject(w http.ResponseWriter, r *http.Request) *apiError {
	var req createProjectRequest
	if e := decode(w, r, &req); e != nil {
		return e
	}
	if req.Name == "" {
		return badRequest("Field \"name\" is required.")
	}
	p, err := s.store.CreateProject(r.Context(), req.Name)
	if err != nil {
		return s.storeError(r, err, "project")
	}
	s.log.Info().Str("project", p.ID).Str("name", p.Name).Msg("project created")
	writeJSON(w, http.StatusCreated, viewProject(p))
	return nil
}

func (s *Server) listProjects(w http.ResponseWriter, r *http.Request) *apiError {
	ps, err := s.store.ListProjects(r.Context())
	if err != nil {
		return s.internal(r, err)
	}
	out := make([]projectView, 0, len(ps))
	for _, p := range ps {
		out = append(out, viewProject(p))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// getProject accepts a project's id or its name, as the CLI does.
func (s *Server) getProject(w http.ResponseWriter, r *http.Request) *apiError {
	p, err := s.store.GetProject(r.Context(), r.PathValue("id"))
	if err != nil {
		return s.storeError(r, err, "project")
	}
	writeJSON(w, http.StatusOK, viewProject(p))
	return nil
}

func (s *Server) deleteProject(w http.ResponseWriter, r *http.Request) *apiError {
	p, err := s.store.GetProject(r.Context(), r.PathValue("id"))
	if err != nil {
		return s.storeError(r, err, "project")
	}
	if err := s.store.DeleteProject(r.Context(), p.ID); err != nil {
		return s.storeError(r, err, "project")
	}
	s.log.Info().Str("project", p.ID).Msg("project deleted")
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listProjectContainers(w http.ResponseWriter, r *http.Request) *apiError {
	p, err := s.store.GetProject(r.Context(), r.PathValue("id"))
	if err != nil {
		return s.storeError(r, err, "project")
	}
	cs, err := s.store.ListProjectContainers(r.Context(), p)
	if err != nil {
		return s.internal(r, err)
	}
	writeJSON(w, http.StatusOK, viewContainers(cs))
	return nil
}
