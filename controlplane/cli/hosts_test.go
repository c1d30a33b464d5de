package cli_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/cofferhq/coffer/controlplane/client/clienttest"
)

func TestHosts(t *testing.T) {
	cp := clienttest.Start(t)
	id := cp.EnrollHost(t, "box-1")

	rows := tableLines(mustRun(t, admin(cp, "hosts", "list")...))
	wantHeader := []string{"ID", "NAME", "STATUS", "LAST", "SEEN", "AGENT"}
	if len(rows) != 2 || !slices.Equal(rows[0], wantHeader) {
		t.Fatalf("got rows %q, want header %q and one host", rows, wantHeader)
	}
	wantRow := []string{id, "box-1", "offline", "never", "0.0.0-test"}
	if !slices.Equal(rows[1], wantRow) {
		t.Errorf("got row %q, want %q", rows[1], wantRow)
	}

	out := mustRun(t, admin(cp, "hosts", "list", "-o", "json")...)
	if want := rawGet(t, cp, "/api/hosts"); out != want {
		t.Errorf("list -o json: got\n%s\nwant the API's body\n%s", out, want)
	}
	out = mustRun(t, admin(cp, "hosts", "show", id)...)
	wantContains(t, out, id, "box-1", "Last seen:", "never", "Facts:", "os:", "linux")

	out = mustRun(t, admin(cp, "hosts", "revoke", id)...)
	if want := "revoked host " + id + "\n"; out != want {
		t.Errorf("got %q, want %q", out, want)
	}
	if rows := tableLines(mustRun(t, admin(cp, "hosts", "list")...)); len(rows) != 1 {
		t.Errorf("got rows %q after revoke, want the header only", rows)
	}
	_, err := run(t, admin(cp, "hosts", "show", id)...)
	wantAPIError(t, err, http.StatusNotFound)
}
