package client_test

import (
	"net/http"
	"testing"

	"github.com/cofferhq/coffer/controlplane/client"
	"github.com/cofferhq/coffer/controlplane/client/clienttest"
)

func ptr[T any](v T) *T { return &v }

func TestUpdateProject(t *testing.T) {
	cp := clienttest.Start(t)
	ctx := testContext(t)
	c := client.New(cp.URL, cp.Token, nil)
	if _, err := c.CreateProject(ctx, "web"); err != nil {
		t.Fatalf("create project: %v", err)
	}
	tg, err := c.CreateTarget(ctx, client.NewStorageTarget{Name: "disk", Type: "local",
		Dir: "/srv"})
	if err != nil {
		t.Fatalf("create target: %v", err)
	}

	p, err := c.UpdateProject(ctx, "web", client.ProjectUpdate{
		DefaultTargetID: ptr("disk"), Consistency: ptr("stop"),
	})
	if err != nil {
		t.Fatalf("update project: %v", err)
	}
	if p.DefaultTargetID == nil || *p.DefaultTargetID != tg.ID || p.Consistency != "stop" {
		t.Fatalf("updated project: got %+v, want target %s and stop", p, tg.ID)
	}

	err = c.DeleteTarget(ctx, "disk")
	wantAPIError(t, err, http.StatusConflict, "target_in_use")

	p, err = c.UpdateProject(ctx, p.ID, client.ProjectUpdate{DefaultTargetID: ptr("")})
	if err != nil || p.DefaultTargetID != nil || p.Consistency != "stop" {
		t.Fatalf("clear default target: got %+v, %v; want no target, still stop", p, err)
	}
	if err := c.DeleteTarget(ctx, "disk"); err != nil {
		t.Fatalf("delete unused target: %v", err)
	}
}

func TestUpdateProjectRefusals(t *testing.T) {
	cp := clienttest.Start(t)
	ctx := testContext(t)
	c := client.New(cp.URL, cp.Token, nil)
	if _, err := c.CreateProject(ctx, "web"); err != nil {
		t.Fatalf("create project: %v", err)
	}

	_, err := c.UpdateProject(ctx, "web", client.ProjectUpdate{DefaultTargetID: ptr("nope")})
	wantAPIError(t, err, http.StatusNotFound, "not_found")
	_, err = c.UpdateProject(ctx, "nope", client.ProjectUpdate{Consistency: ptr("none")})
	wantAPIError(t, err, http.StatusNotFound, "not_found")
	_, err = c.UpdateProject(ctx, "web", client.ProjectUpdate{Consistency: ptr("freeze")})
	wantAPIError(t, err, http.StatusBadRequest, "bad_request")
	_, err = c.UpdateProject(ctx, "web", client.ProjectUpdate{})
	wantAPIError(t, err, http.StatusBadRequest, "bad_request")

	p, err := c.GetProject(ctx, "web")
	if err != nil || p.Consistency != "pause" || p.DefaultTargetID != nil {
		t.Fatalf("project after refusals: got %+v, %v; want it unchanged", p, err)
	}
}
