package client_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/cofferhq/coffer/controlplane/client"
	"github.com/cofferhq/coffer/controlplane/client/clienttest"
)

func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), clienttest.Timeout)
	t.Cleanup(cancel)
	return ctx
}

// wantAPIError fails unless err is an *APIError with the status and code.
func wantAPIError(t *testing.T, err error, status int, code string) {
	t.Helper()
	apiErr, ok := errors.AsType[*client.APIError](err)
	if !ok {
		t.Fatalf("got error %v (%T), want *client.APIError", err, err)
	}
	if apiErr.Status != status || apiErr.Code != code {
		t.Fatalf("got status %d code %q, want %d %q", apiErr.Status, apiErr.Code, status, code)
	}
	if err.Error() != apiErr.Message {
		t.Errorf("got Error() %q, want the server's sentence %q", err.Error(), apiErr.Message)
	}
}

// mustAPIError is wantAPIError for tests that go on to read the API error.
func mustAPIError(t *testing.T, err error, status int, code string) *client.APIError {
	t.Helper()
	wantAPIError(t, err, status, code)
	apiErr, _ := errors.AsType[*client.APIError](err) // wantAPIError found it
	return apiErr
}

func TestUnauthorizedKeepsTokenOut(t *testing.T) {
	cp := clienttest.Start(t)
	const secret = "cft_not-a-valid-token-but-secret"
	_, err := client.New(cp.URL, secret, nil).ListProjects(testContext(t))

	wantAPIError(t, err, http.StatusUnauthorized, "unauthorized")
	if strings.Contains(err.Error(), secret) {
		t.Errorf("error %q contains the token", err)
	}
}

func TestMissingTokenIsUnauthorized(t *testing.T) {
	cp := clienttest.Start(t)
	_, err := client.New(cp.URL, "", nil).ListHosts(testContext(t))
	apiErr := mustAPIError(t, err, http.StatusUnauthorized, "unauthorized")
	if !strings.HasPrefix(apiErr.Message, "Send a valid API token") {
		t.Errorf("got message %q, want the API's 401 sentence", apiErr.Message)
	}
}

func TestUnreachableNamesServer(t *testing.T) {
	// A port that was just free refuses connections.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	server := "http://" + ln.Addr().String()
	ln.Close()

	const secret = "cft_secret"
	_, err = client.New(server, secret, nil).ListProjects(testContext(t))
	if err == nil {
		t.Fatal("got no error from a closed port, want one")
	}
	want := "reach control plane at " + server + ": "
	if !strings.HasPrefix(err.Error(), want) {
		t.Errorf("got error %q, want prefix %q", err, want)
	}
	if strings.Contains(err.Error(), secret) {
		t.Errorf("error %q contains the token", err)
	}
}

func TestServerURLMustBeHTTP(t *testing.T) {
	for _, server := range []string{"127.0.0.1:8470", "ftp://example.com", "http://", ""} {
		_, err := client.New(server, "t", nil).ListProjects(testContext(t))
		if err == nil || !strings.Contains(err.Error(), "parse server url") {
			t.Errorf("server %q: got error %v, want a server url error", server, err)
		}
	}
}

func TestServerHidesPassword(t *testing.T) {
	c := client.New("https://user:hunter2@coffer.example.com/", "t", nil)
	if got, want := c.Server(), "https://user:xxxxx@coffer.example.com"; got != want {
		t.Errorf("got Server() %q, want %q", got, want)
	}
}
