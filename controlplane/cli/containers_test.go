package cli_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/cofferhq/coffer/controlplane/client/clienttest"
)

func TestContainersListNeedsHostOrProject(t *testing.T) {
	const want = "list containers: give exactly one of --host ID or --project ID|NAME"
	for _, args := range [][]string{
		{"containers", "list"},
		{"containers", "list", "--host", "h", "--project", "p"},
	} {
		// No server listens here: the mistake is caught before any request.
		_, err := run(t, append(args, "--server", "http://127.0.0.1:1", "--token", "t")...)
		if err == nil || err.Error() != want {
			t.Errorf("coffer %s: got error %v, want %q", strings.Join(args, " "), err, want)
		}
	}
}

func TestContainersList(t *testing.T) {
	cp := clienttest.Start(t)
	id := cp.EnrollHost(t, "box-1")
	mustRun(t, admin(cp, "projects", "create", "web")...)

	rows := tableLines(mustRun(t, admin(cp, "containers", "list", "--project", "web")...))
	wantHeader := []string{"HOST", "NAMESPACE", "NAME", "IMAGE", "STATE", "VOLUMES"}
	if len(rows) != 1 || !slices.Equal(rows[0], wantHeader) {
		t.Errorf("got rows %q, want the header %q only", rows, wantHeader)
	}

	out := mustRun(t, admin(cp, "containers", "list", "--host", id, "-o", "json")...)
	if strings.TrimSpace(out) != "[]" {
		t.Errorf("got %q, want []", out)
	}

	_, err := run(t, admin(cp, "containers", "list", "--host", "nope")...)
	wantAPIError(t, err, http.StatusNotFound)
}
