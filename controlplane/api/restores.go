package api

import (
	"net/http"
)

type restoreRequest struct {
	// Items selects items of the backup by id; none means all of them.
	Items []string `json:"items,omitempty"`
	Mode  string   `json:"mode"`
	// Path is the directory items are restored into in path mode.
	Path string `json:"path,omitempty"`
}

// restoreBackup starts restoring a completed backup and answers at once
// with the restore PENDING.
func (s *Server) restoreBackup(w http.ResponseWriter, r *http.Request) *apiError {
	var req restoreRequest
	if e := decode(w, r, &req); e != nil {
		return e
	}
	switch req.Mode {
	case "replace", "path":
	case "":
		return badRequest("Field \"mode\" is required: \"replace\" or \"path\".")
	default:
		return badRequest("Field \"mode\" must be \"replace\" or \"path\".")
	}
	if req.Mode == "path" && req.Path == "" {
		return badRequest("Field \"path\" is required in path mode.")
	}

	rs, err := s.backups.StartRestore(r.Context(), r.PathValue("id"), req.Items, req.Mode,
		req.Path)
	if err != nil {
		return s.backupError(r, err, "backup")
	}
	s.log.Info().Str("restore", rs.ID).Str("backup", rs.BackupID).Str("mode", req.Mode).
		Msg("restore requested")
	writeJSON(w, http.StatusAccepted, viewRestore(rs))
	return nil
}

func (s *Server) getRestore(w http.ResponseWriter, r *http.Request) *apiError {
	rs, err := s.store.GetRestore(r.Context(), r.PathValue("id"))
	if err != nil {
		return s.storeError(r, err, "restore")
	}
	writeJSON(w, http.StatusOK, viewRestore(rs))
	return nil
}
