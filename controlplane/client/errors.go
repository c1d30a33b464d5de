package client

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// APIError is an error response from the control plane.
type APIError struct {
	// Status is the HTTP status code.
	Status int
	// Code is stable for programs to match, e.g. "not_found".
	Code string
	// Message is a sentence meant for the person at the keyboard.
	Message string
}

// Error returns the server's sentence, which already says what to do.
func (e *APIError) Error() string {
	if e.Message != "" {
		return e.Message
	}
	return fmt.Sprintf("The control plane answered %d %s.", e.Status, http.StatusText(e.Status))
}

// errorBody is the envelope of every API error response.
type errorBody struct {
	Error *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// parseAPIError reads an error response. A body that is not the API's
// envelope (a proxy's error page, say) still yields an APIError that names
// the status, so the caller always gets one type to inspect.
func parseAPIError(status int, body []byte) *APIError {
	e := &APIError{Status: status, Code: fmt.Sprintf("http_%d", status)}
	var b errorBody
	if json.Unmarshal(body, &b) == nil && b.Error != nil && b.Error.Message != "" {
		e.Message = b.Error.Message
		if b.Error.Code != "" {
			e.Code = b.Error.Code
		}
	}
	return e
}
