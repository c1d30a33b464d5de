package api

import (
	"errors"
	"net/http"
	"strings"

	"github.com/cofferhq/coffer/controlplane/backup"
)

// backupError turns an error of the backup runner into the response a
// user should see; what it cannot classify is logged as internal. what
// names the object the request's id stands for.
func (s *Server) backupError(r *http.Request, err error, what string) *apiError {
	switch {
	case errors.Is(err, backup.ErrUnknownTarget):
		return notFoundSentence("No storage target has that id or name.")
	case errors.Is(err, backup.ErrNoTarget):
		return badRequest("The project has no default storage target; " +
			"name one with \"targetId\" or set the project's default.")
	case errors.Is(err, backup.ErrNothingToBackUp):
		return errorf(http.StatusConflict, "nothing_to_back_up",
			"The project has no container volumes and no paths to back up.")
	case errors.Is(err, backup.ErrBusy):
		return errorf(http.StatusConflict, "backup_busy",
			"The backup is still running or being restored; try again when it has finished.")
	case errors.Is(err, backup.ErrNotRestorable):
		return errorf(http.StatusConflict, "not_restorable",
			sentence(reasonAfter(err, backup.ErrNotRestorable)))
	case errors.Is(err, backup.ErrInvalidRestore):
		return badRequest(sentence(reasonAfter(err, backup.ErrInvalidRestore)))
	case errors.Is(err, backup.ErrHostOffline):
		return errorf(http.StatusConflict, "host_offline", sentence(backup.Explain(err)))
	case errors.Is(err, backup.ErrStorage):
		return errorf(http.StatusBadGateway, "storage_failed", sentence(backup.Explain(err)))
	case errors.Is(err, backup.ErrClosed):
		return errorf(http.StatusServiceUnavailable, "shutting_down",
			"The control plane is shutting down; try again in a moment.")
	}
	return s.storeError(r, err, what)
}

func notFoundSentence(message string) *apiError {
	return errorf(http.StatusNotFound, "not_found", message)
}

// reasonAfter is the part of an error message that follows a sentinel's
// text: the runner puts the reason a person can act on there.
func reasonAfter(err, sentinel error) string {
	msg := err.Error()
	marker := sentinel.Error() + ": "
	if i := strings.LastIndex(msg, marker); i >= 0 {
		return msg[i+len(marker):]
	}
	return ""
}
