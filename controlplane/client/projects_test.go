package client_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/cofferhq/coffer/controlplane/client"
	"github.com/cofferhq/coffer/controlplane/client/clienttest"
)

func TestProjectsRoundTrip(t *testing.T) {
	cp := clienttest.Start(t)
	ctx := testContext(t)
	c := client.New(cp.URL, cp.Token, nil)

	p, err := c.CreateProject(ctx, "web")
	if err != nil {
		t.Fatalf("create project: %v", err)
	}
	if p.ID == "" || p.Name != "web" || p.Consistency != "pause" || p.CreatedAt.IsZero() {
		t.Fatalf("got created project %+v, want an id, name web, consistency pause", p)
	}

	ps, err := c.ListProjects(ctx)
	if err != nil || len(ps) != 1 || ps[0] != *p {
		t.Fatalf("list projects: got %+v, %v; want [%+v]", ps, err, *p)
	}
	for _, key := range []string{p.ID, p.Name} {
		got, err := c.GetProject(ctx, key)
		if err != nil || *got != *p {
			t.Fatalf("get project %q: got %+v, %v; want %+v", key, got, err, *p)
		}
	}

	if err := c.DeleteProject(ctx, "web"); err != nil {
		t.Fatalf("delete project: %v", err)
	}
	_, err = c.GetProject(ctx, p.ID)
	wantAPIError(t, err, http.StatusNotFound, "not_found")
}

func TestListProjectsEmptyIsNotNil(t *testing.T) {
	cp := clienttest.Start(t)
	ps, err := client.New(cp.URL, cp.Token, nil).ListProjects(testContext(t))
	if err != nil || ps == nil || len(ps) != 0 {
		t.Fatalf("got %#v, %v; want an empty, non-nil list", ps, err)
	}
}

func TestCreateProjectErrors(t *testing.T) {
	cp := clienttest.Start(t)
	ctx := testContext(t)
	c := client.New(cp.URL, cp.Token, nil)

	_, err := c.CreateProject(ctx, "Bad Name")
	apiErr := mustAPIError(t, err, http.StatusBadRequest, "bad_request")
	if !strings.Contains(apiErr.Message, `"Bad Name" must be lowercase`) {
		t.Errorf("got message %q, want the name rule", apiErr.Message)
	}

	if _, err := c.CreateProject(ctx, "db"); err != nil {
		t.Fatalf("create project: %v", err)
	}
	_, err = c.CreateProject(ctx, "db")
	wantAPIError(t, err, http.StatusConflict, "conflict")
}

func TestEmptyIDIsRefusedLocally(t *testing.T) {
	c := client.New("http://127.0.0.1:1", "t", nil)
	ctx := testContext(t)
	errs := []error{
		func() error { _, err := c.GetProject(ctx, ""); return err }(),
		c.DeleteProject(ctx, ""),
		func() error { _, err := c.GetHost(ctx, ""); return err }(),
		c.RevokeHost(ctx, ""),
		func() error { _, err := c.HostContainers(ctx, ""); return err }(),
		func() error { _, err := c.ProjectContainers(ctx, ""); return err }(),
	}
	for i, err := range errs {
		var apiErr *client.APIError
		if err == nil || errors.As(err, &apiErr) || !strings.Contains(err.Error(), "empty") {
			t.Errorf("call %d: got %v, want a local empty-id error", i, err)
		}
	}
}
