package api

import (
	"errors"
	"net/http"

	"github.com/cofferhq/coffer/controlplane/backup"
)

type importResult struct {
	Imported int `json:"imported"`
	Skipped  int `json:"skipped"`
}

// importCatalog rebuilds backup records from the manifests in a target's
// bucket. Backups already known are skipped, so it can run any number of
// times.
func (s *Server) importCatalog(w http.ResponseWriter, r *http.Request) *apiError {
	imported, skipped, err := s.backups.Import(r.Context(), r.PathValue("id"))
	if errors.Is(err, backup.ErrLocalObjects) {
		return errorf(http.StatusConflict, "local_target", "A local target keeps its "+
			"backups on the hosts' disks, where the control plane cannot read manifests.")
	}
	if err != nil {
		return s.backupError(r, err, "storage target")
	}
	writeJSON(w, http.StatusOK, importResult{Imported: imported, Skipped: skipped})
	return nil
}
