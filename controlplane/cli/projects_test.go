package cli_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/cofferhq/coffer/controlplane/client"
	"github.com/cofferhq/coffer/controlplane/client/clienttest"
)

func TestProjectsTable(t *testing.T) {
	cp := clienttest.Start(t)

	out := mustRun(t, admin(cp, "projects", "create", "web")...)
	wantContains(t, out, "ID:", "Name:", "web", "Consistency:", "pause", "Created:", "ago")

	rows := tableLines(mustRun(t, admin(cp, "projects", "list")...))
	wantHeader := []string{"ID", "NAME", "CONSISTENCY", "CREATED"}
	if len(rows) != 2 || !slices.Equal(rows[0], wantHeader) {
		t.Fatalf("got rows %q, want header %q and one project", rows, wantHeader)
	}
	if r := rows[1]; len(r) != 5 || r[1] != "web" || r[2] != "pause" || r[4] != "ago" {
		t.Errorf("got row %q, want <id> web pause <n>s ago", r)
	}
	id := rows[1][0]

	out = mustRun(t, admin(cp, "projects", "show", id)...)
	wantContains(t, out, id, "web")

	out = mustRun(t, admin(cp, "projects", "delete", "web")...)
	if out != "deleted project web\n" {
		t.Errorf("got %q, want %q", out, "deleted project web\n")
	}
	if rows := tableLines(mustRun(t, admin(cp, "projects", "list")...)); len(rows) != 1 {
		t.Errorf("got rows %q after delete, want the header only", rows)
	}

	_, err := run(t, admin(cp, "projects", "show", "web")...)
	wantAPIError(t, err, http.StatusNotFound)
	if err.Error() != "No project has that id." {
		t.Errorf("got error %q, want the API's not-found sentence", err)
	}
}

func TestProjectsJSON(t *testing.T) {
	cp := clienttest.Start(t)

	out := mustRun(t, admin(cp, "projects", "create", "web", "-o", "json")...)
	var created client.Project
	if err := json.Unmarshal([]byte(out), &created); err != nil || created.Name != "web" {
		t.Fatalf("create -o json: got %q (%v), want a project named web", out, err)
	}

	// -o json is the API's own answer, byte for byte.
	out = mustRun(t, admin(cp, "projects", "list", "-o", "json")...)
	if want := rawGet(t, cp, "/api/projects"); out != want {
		t.Errorf("list -o json: got\n%s\nwant the API's body\n%s", out, want)
	}
	out = mustRun(t, admin(cp, "projects", "show", created.ID, "-o", "json")...)
	if want := rawGet(t, cp, "/api/projects/"+created.ID); out != want {
		t.Errorf("show -o json: got\n%s\nwant the API's body\n%s", out, want)
	}

	out = mustRun(t, admin(cp, "projects", "delete", created.ID, "-o", "json")...)
	if out != "" {
		t.Errorf("delete -o json: got %q, want no output", out)
	}
	out = mustRun(t, admin(cp, "projects", "list", "-o", "json")...)
	if strings.TrimSpace(out) != "[]" {
		t.Errorf("list -o json after delete: got %q, want []", out)
	}
}

func TestBadProjectNameShowsAPISentence(t *testing.T) {
	cp := clienttest.Start(t)

	out, err := run(t, admin(cp, "projects", "create", "Bad Name")...)
	apiErr := mustAPIError(t, err, http.StatusBadRequest)
	if err.Error() != apiErr.Message {
		t.Errorf("got error %q, want exactly the API's sentence %q", err, apiErr.Message)
	}
	if !strings.Contains(err.Error(), `"Bad Name" must be lowercase`) {
		t.Errorf("got error %q, want the name rule", err)
	}
	if out != "" {
		t.Errorf("got output %q on failure, want none", out)
	}
}
