package cli_test

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cofferhq/coffer/controlplane/client/clienttest"
)

func TestMissingTokenShowsAPISentence(t *testing.T) {
	cp := clienttest.Start(t)
	empty := t.TempDir()

	_, err := run(t, "--server", cp.URL, "--data-dir", empty, "projects", "list")
	apiErr := mustAPIError(t, err, http.StatusUnauthorized)
	if !strings.HasPrefix(apiErr.Message, "Send a valid API token") {
		t.Errorf("got API message %q, want the 401 sentence", apiErr.Message)
	}
	wantContains(t, err.Error(), "No API token was found",
		filepath.Join(empty, "admin.token"))
}

func TestRefusedTokenSaysWhereItCameFrom(t *testing.T) {
	cp := clienttest.Start(t)

	_, err := run(t, "--server", cp.URL, "--token", "cft_wrong", "hosts", "list")
	wantAPIError(t, err, http.StatusUnauthorized)
	wantContains(t, err.Error(), "The token from --token was refused.")
	if strings.Contains(err.Error(), "cft_wrong") {
		t.Errorf("error %q contains the token", err)
	}
}

func TestTokenFallsBackToDataDir(t *testing.T) {
	cp := clienttest.Start(t)

	out := mustRun(t, "--server", cp.URL, "--data-dir", cp.DataDir, "projects", "list")
	if rows := tableLines(out); len(rows) != 1 || rows[0][0] != "ID" {
		t.Errorf("got %q, want an empty project table", out)
	}
}

func TestTokenFromEnvironment(t *testing.T) {
	cp := clienttest.Start(t)
	t.Setenv("COFFER_TOKEN", cp.Token)

	mustRun(t, "--server", cp.URL, "--data-dir", t.TempDir(), "projects", "list")
}

func TestServerFromEnvironment(t *testing.T) {
	cp := clienttest.Start(t)
	t.Setenv("COFFER_SERVER", cp.URL)
	t.Setenv("COFFER_DATA_DIR", cp.DataDir)

	mustRun(t, "hosts", "list")
}
