package cli_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/cofferhq/coffer/controlplane/client/clienttest"
)

func TestPaths(t *testing.T) {
	cp := clienttest.Start(t)
	mustRun(t, admin(cp, "projects", "create", "web")...)
	host := cp.EnrollHost(t, "box-1")

	rows := tableLines(mustRun(t, admin(cp, "paths", "add", "--project", "web",
		"--host", host, "/etc/nginx")...))
	wantHeader := []string{"ID", "HOST", "PATH", "ADDED"}
	if len(rows) != 2 || !slices.Equal(rows[0], wantHeader) {
		t.Fatalf("add: got rows %q, want header %q and the path", rows, wantHeader)
	}
	if r := rows[1]; r[1] != host || r[2] != "/etc/nginx" {
		t.Errorf("add: got row %q, want <id> %s /etc/nginx", r, host)
	}
	id := rows[1][0]

	out := mustRun(t, admin(cp, "paths", "list", "-p", "web", "-o", "json")...)
	if raw := rawGet(t, cp, "/api/projects/web/paths"); !jsonEqual(t, out, raw) {
		t.Errorf("list -o json: got %s, want the API's %s", out, raw)
	}

	_, err := run(t, admin(cp, "paths", "add", "-p", "web", "--host", host, "etc")...)
	wantAPIError(t, err, http.StatusBadRequest)
	_, err = run(t, admin(cp, "paths", "list")...)
	if err == nil || !strings.Contains(err.Error(), `"project"`) {
		t.Errorf("list without --project: got %v, want the flag named", err)
	}

	out = mustRun(t, admin(cp, "paths", "delete", "-p", "web", id)...)
	if out != "deleted path "+id+"\n" {
		t.Errorf("delete: got %q, want %q", out, "deleted path "+id+"\n")
	}
	if rows := tableLines(mustRun(t, admin(cp, "paths", "list", "-p", "web")...)); len(rows) != 1 {
		t.Errorf("list after delete: got rows %q, want the header only", rows)
	}
}
