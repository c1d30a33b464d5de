package client_test

import (
	"net/http"
	"testing"

	"github.com/cofferhq/coffer/controlplane/client"
	"github.com/cofferhq/coffer/controlplane/client/clienttest"
)

func TestHostsRoundTrip(t *testing.T) {
	cp := clienttest.Start(t)
	ctx := testContext(t)
	c := client.New(cp.URL, cp.Token, nil)
	id := cp.EnrollHost(t, "box-1")

	hs, err := c.ListHosts(ctx)
	if err != nil || len(hs) != 1 {
		t.Fatalf("list hosts: got %+v, %v; want one host", hs, err)
	}
	h := hs[0]
	if h.ID != id || h.Name != "box-1" || h.Status != "offline" || h.LastSeenAt != nil ||
		h.AgentVersion != "0.0.0-test" || h.Facts["os"] != "linux" {
		t.Fatalf("got host %+v, want id %s, box-1, offline, never seen, with facts", h, id)
	}

	got, err := c.GetHost(ctx, id)
	if err != nil || got.ID != id || got.Name != "box-1" {
		t.Fatalf("get host: got %+v, %v; want host %s", got, err, id)
	}
	cs, err := c.HostContainers(ctx, id)
	if err != nil || cs == nil || len(cs) != 0 {
		t.Fatalf("host containers: got %#v, %v; want an empty list", cs, err)
	}

	if err := c.RevokeHost(ctx, id); err != nil {
		t.Fatalf("revoke host: %v", err)
	}
	_, err = c.GetHost(ctx, id)
	wantAPIError(t, err, http.StatusNotFound, "not_found")
	err = c.RevokeHost(ctx, id)
	wantAPIError(t, err, http.StatusNotFound, "not_found")
}

func TestProjectContainers(t *testing.T) {
	cp := clienttest.Start(t)
	ctx := testContext(t)
	c := client.New(cp.URL, cp.Token, nil)

	if _, err := c.CreateProject(ctx, "web"); err != nil {
		t.Fatalf("create project: %v", err)
	}
	cs, err := c.ProjectContainers(ctx, "web")
	if err != nil || len(cs) != 0 {
		t.Fatalf("project containers: got %+v, %v; want an empty list", cs, err)
	}
	_, err = c.ProjectContainers(ctx, "nope")
	wantAPIError(t, err, http.StatusNotFound, "not_found")
}
