package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"unicode"

	"github.com/cofferhq/coffer/controlplane/store"
)

// apiError is the body of every error response. Code is stable for
// programs; Message is a sentence for people.
type apiError struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func errorf(status int, code, message string) *apiError {
	return &apiError{Status: status, Code: code, Message: message}
}

var (
	errUnauthorized = errorf(http.StatusUnauthorized, "unauthorized",
		"Send a valid API token as 'Authorization: Bearer <token>'.")
	errInternal = errorf(http.StatusInternalServerError, "internal",
		"The control plane failed to handle the request; its log has the details.")
)

func notFound(what string) *apiError {
	return errorf(http.StatusNotFound, "not_found", "No "+what+" has that id.")
}

func badRequest(message string) *apiError {
	return errorf(http.StatusBadRequest, "bad_request", message)
}

// fromStore turns a store error into the response a user should see. What
// it cannot classify is an internal error, logged by the caller.
func fromStore(err error, what string) *apiError {
	switch {
	case errors.Is(err, store.ErrNotFound):
		return notFound(what)
	case errors.Is(err, store.ErrConflict):
		return errorf(http.StatusConflict, "conflict", "A "+what+" with that name already exists.")
	case errors.Is(err, store.ErrInvalid):
		return badRequest(sentence(invalidReason(err)))
	}
	return nil
}

// invalidReason is the part of a store validation error that describes the
// input, without the Go call chain in front of it.
func invalidReason(err error) string {
	msg := err.Error()
	marker := store.ErrInvalid.Error() + ": "
	if i := strings.LastIndex(msg, marker); i >= 0 {
		return msg[i+len(marker):]
	}
	return ""
}

// sentence capitalises msg and ends it with a full stop.
func sentence(msg string) string {
	if msg == "" {
		return "The request is not valid."
	}
	r := []rune(msg)
	r[0] = unicode.ToUpper(r[0])
	if last := r[len(r)-1]; last != '.' && last != '?' && last != '!' {
		r = append(r, '.')
	}
	return string(r)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func writeError(w http.ResponseWriter, e *apiError) {
	writeJSON(w, e.Status, map[string]*apiError{"error": e})
}
