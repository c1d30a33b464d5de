package client_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cofferhq/coffer/controlplane/client"
)

// A proxy in front of the control plane answers with its own pages; the
// caller still gets an *APIError naming the status.
func TestErrorWithoutEnvelope(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = io.WriteString(w, "<html>bad gateway</html>")
	}))
	defer srv.Close()

	_, err := client.New(srv.URL, "t", nil).ListProjects(testContext(t))
	apiErr := wantAPIErrorStatus(t, err, http.StatusBadGateway)
	if apiErr.Code != "http_502" || apiErr.Message != "" {
		t.Errorf("got code %q message %q, want http_502 and no message",
			apiErr.Code, apiErr.Message)
	}
	if !strings.Contains(err.Error(), "502") {
		t.Errorf("got error %q, want it to name the status", err)
	}
}

func TestResponseTooLarge(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		chunk := strings.Repeat(" ", 1<<20)
		for range 40 {
			if _, err := io.WriteString(w, chunk); err != nil {
				return
			}
		}
	}))
	defer srv.Close()

	_, err := client.New(srv.URL, "t", nil).ListProjects(testContext(t))
	if err == nil || !strings.Contains(err.Error(), "exceeds") {
		t.Fatalf("got error %v, want a size limit error", err)
	}
}

func TestUndecodableResponse(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, `{"id": 7}`)
	}))
	defer srv.Close()

	_, err := client.New(srv.URL, "t", nil).GetProject(testContext(t), "web")
	want := "decode response to GET /api/projects/web: "
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("got error %v, want prefix %q", err, want)
	}
}

func wantAPIErrorStatus(t *testing.T, err error, status int) *client.APIError {
	t.Helper()
	apiErr, ok := err.(*client.APIError)
	if !ok || apiErr.Status != status {
		t.Fatalf("got error %v (%T), want *client.APIError with status %d", err, err, status)
	}
	return apiErr
}
