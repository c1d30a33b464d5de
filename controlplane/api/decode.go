package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// maxBody caps request bodies; no API request needs more.
const maxBody = 1 << 20

// decode reads a JSON request body into v, refusing unknown fields and
// trailing data so that typos in field names do not pass silently.
func decode(w http.ResponseWriter, r *http.Request, v any) *apiError {
	if ct := r.Header.Get("Content-Type"); ct != "" &&
		!strings.HasPrefix(ct, "application/json") {
		return errorf(http.StatusUnsupportedMediaType, "unsupported_media_type",
			"Send the request body as application/json.")
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if dec.More() {
		return badRequest("The request body must hold a single JSON object.")
	}
	return nil
}

// decodeBodyOptional is decode for endpoints whose body may be empty.
func decodeBodyOptional(w http.ResponseWriter, r *http.Request, v any) *apiError {
	if r.ContentLength == 0 {
		return nil
	}
	return decode(w, r, v)
}

func decodeError(err error) *apiError {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tooBig *http.MaxBytesError
	switch {
	case errors.Is(err, io.EOF):
		return badRequest("The request body is empty; send a JSON object.")
	case errors.As(err, &tooBig):
		return errorf(http.StatusRequestEntityTooLarge, "too_large",
			"The request body is larger than 1 MiB.")
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("The request body is not valid JSON.")
	case errors.As(err, &typ):
		return badRequest(fmt.Sprintf("Field %q has the wrong type; want %s.",
			typ.Field, typ.Type))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.TrimPrefix(err.Error(), "json: unknown field ")
		return badRequest(fmt.Sprintf("Field %s is not known.", field))
	}
	return badRequest("The request body could not be read as JSON.")
}
