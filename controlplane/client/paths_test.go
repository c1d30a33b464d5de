package client_test

import (
	"net/http"
	"testing"

	"github.com/cofferhq/coffer/controlplane/client"
	"github.com/cofferhq/coffer/controlplane/client/clienttest"
)

func TestProjectPaths(t *testing.T) {
	cp := clienttest.Start(t)
	ctx := testContext(t)
	c := client.New(cp.URL, cp.Token, nil)
	p, err := c.CreateProject(ctx, "web")
	if err != nil {
		t.Fatalf("create project: %v", err)
	}
	host := cp.EnrollHost(t, "box-1")

	added, err := c.AddPath(ctx, "web", host, "/etc/nginx")
	if err != nil {
		t.Fatalf("add path: %v", err)
	}
	if added.ID == "" || added.ProjectID != p.ID || added.HostID != host ||
		added.Path != "/etc/nginx" || added.CreatedAt.IsZero() {
		t.Fatalf("added path: got %+v, want /etc/nginx of %s in %s", added, host, p.ID)
	}
	_, err = c.AddPath(ctx, "web", host, "/etc/nginx")
	wantAPIError(t, err, http.StatusConflict, "conflict")

	ps, err := c.ListPaths(ctx, p.ID)
	if err != nil || len(ps) != 1 || ps[0] != *added {
		t.Fatalf("list paths: got %+v, %v; want [%+v]", ps, err, *added)
	}

	if err := c.DeletePath(ctx, "web", added.ID); err != nil {
		t.Fatalf("delete path: %v", err)
	}
	err = c.DeletePath(ctx, "web", added.ID)
	wantAPIError(t, err, http.StatusNotFound, "not_found")
	ps, err = c.ListPaths(ctx, "web")
	if err != nil || ps == nil || len(ps) != 0 {
		t.Fatalf("list paths after delete: got %#v, %v; want an empty list", ps, err)
	}
}

func TestAddPathRefusals(t *testing.T) {
	cp := clienttest.Start(t)
	ctx := testContext(t)
	c := client.New(cp.URL, cp.Token, nil)
	if _, err := c.CreateProject(ctx, "web"); err != nil {
		t.Fatalf("create project: %v", err)
	}
	host := cp.EnrollHost(t, "box-1")

	for _, path := range []string{"etc", "/etc/", "/etc/../root", "/a//b"} {
		_, err := c.AddPath(ctx, "web", host, path)
		wantAPIError(t, err, http.StatusBadRequest, "bad_request")
	}
	_, err := c.AddPath(ctx, "web", "", "/etc")
	wantAPIError(t, err, http.StatusBadRequest, "bad_request")
	_, err = c.AddPath(ctx, "web", "nope", "/etc")
	wantAPIError(t, err, http.StatusNotFound, "not_found")
	_, err = c.AddPath(ctx, "nope", host, "/etc")
	wantAPIError(t, err, http.StatusNotFound, "not_found")
	_, err = c.ListPaths(ctx, "nope")
	wantAPIError(t, err, http.StatusNotFound, "not_found")

	status, code := postRaw(t, cp, "/api/projects/web/paths", `{"hostId": 1}`)
	if status != http.StatusBadRequest || code != "bad_request" {
		t.Errorf("wrong type: got %d %s, want 400 bad_request", status, code)
	}
}
