package api

import (
	_ "embed"
	"net/http"
)

// openAPIDoc describes the whole REST API. A test checks that every route
// registered here appears in it.
//
//go:embed openapi.json
var openAPIDoc []byte

func (s *Server) openAPI(w http.ResponseWriter, _ *http.Request) *apiError {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openAPIDoc)
	return nil
}
