package store_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cofferhq/coffer/controlplane/store"
	"github.com/cofferhq/coffer/ent"
	"github.com/cofferhq/coffer/protocol"
)

func ctr(ns, id string, labels map[string]string) protocol.Container {
	return protocol.Container{
		ID:        id,
		Namespace: ns,
		Name:      "name-" + id,
		Image:     "docker.io/library/busybox:1.36",
		Labels:    labels,
		State:     protocol.StateRunning,
		Mounts: []protocol.Mount{
			{Source: "/srv/" + id, Destination: "/data", Type: "bind"},
		},
		CreatedAt: epoch.Add(-time.Hour),
	}
}

// keys returns the containers as sorted namespace/id keys.
func keys(cs []*ent.Container) string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Namespace+"/"+c.ContainerID)
	}
	slices.Sort(out)
	return strings.Join(out, ",")
}

func listKeys(t *testing.T, s *store.Store, hostID string) string {
	t.Helper()
	cs, err := s.ListHostContainers(t.Context(), hostID)
	mustNot(t, "ListHostContainers", err)
	return keys(cs)
}

func TestReplaceContainers(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		h := enroll(t, s, "node")
		first := []protocol.Container{ctr("moby", "a", nil), ctr("moby", "b", nil),
			ctr("k8s.io", "a", nil)}
		mustNot(t, "ReplaceContainers", s.ReplaceContainers(t.Context(), h.ID, first))

		cs, err := s.ListHostContainers(t.Context(), h.ID)
		mustNot(t, "ListHostContainers", err)
		if got, want := keys(cs), "k8s.io/a,moby/a,moby/b"; got != want {
			t.Fatalf("containers: got %s, want %s", got, want)
		}
		checkStored(t, cs[0], first[2])

		changed := ctr("moby", "a", nil)
		changed.State = protocol.StateStopped
		second := []protocol.Container{changed, ctr("default", "c", nil)}
		mustNot(t, "ReplaceContainers", s.ReplaceContainers(t.Context(), h.ID, second))

		after, err := s.ListHostContainers(t.Context(), h.ID)
		mustNot(t, "ListHostContainers", err)
		if got, want := keys(after), "default/c,moby/a"; got != want {
			t.Fatalf("containers after replace: got %s, want %s", got, want)
		}
		kept := after[1]
		if kept.ID != cs[1].ID || kept.State != "stopped" {
			t.Errorf("moby/a: got id %s state %s, want id %s state stopped",
				kept.ID, kept.State, cs[1].ID)
		}

		mustNot(t, "ReplaceContainers empty", s.ReplaceContainers(t.Context(), h.ID, nil))
		if got := listKeys(t, s, h.ID); got != "" {
			t.Errorf("containers after empty replace: got %s, want none", got)
		}
	})
}

func checkStored(t *testing.T, got *ent.Container, want protocol.Container) {
	t.Helper()
	if got.Name != want.Name || got.Image != want.Image || got.State != string(want.State) {
		t.Errorf("container: got %s %s %s, want %s %s %s", got.Name, got.Image, got.State,
			want.Name, want.Image, want.State)
	}
	if len(got.Mounts) != 1 || got.Mounts[0].Source != want.Mounts[0].Source {
		t.Errorf("mounts: got %+v, want %+v", got.Mounts, want.Mounts)
	}
	if !got.CreatedAt.Equal(want.CreatedAt.Truncate(time.Microsecond)) {
		t.Errorf("created at: got %v, want %v", got.CreatedAt, want.CreatedAt)
	}
}

func TestReplaceContainersKeepsLastDuplicate(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		h := enroll(t, s, "node")
		older, newer := ctr("moby", "a", nil), ctr("moby", "a", nil)
		newer.State = protocol.StatePaused
		cs := []protocol.Container{older, newer}
		mustNot(t, "ReplaceContainers", s.ReplaceContainers(t.Context(), h.ID, cs))

		got, err := s.ListHostContainers(t.Context(), h.ID)
		mustNot(t, "ListHostContainers", err)
		if len(got) != 1 || got[0].State != "paused" {
			t.Errorf("containers: got %d, want one paused", len(got))
		}
	})
}

func TestApplyContainerChanges(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		h := enroll(t, s, "node")
		base := []protocol.Container{ctr("moby", "a", nil), ctr("moby", "b", nil)}
		mustNot(t, "ReplaceContainers", s.ReplaceContainers(t.Context(), h.ID, base))

		up := []protocol.Container{ctr("moby", "c", nil), ctr("moby", "a", nil)}
		err := s.ApplyContainerChanges(t.Context(), h.ID, up, []string{"moby/b", "moby/zzz"})
		mustNot(t, "ApplyContainerChanges", err)
		if got, want := listKeys(t, s, h.ID), "moby/a,moby/c"; got != want {
			t.Errorf("containers: got %s, want %s", got, want)
		}

		for _, bad := range []string{"nokey", "/a", "moby/", "a/b/c"} {
			err := s.ApplyContainerChanges(t.Context(), h.ID, nil, []string{bad})
			wantErr(t, "delete key "+bad, err, store.ErrInvalid)
		}
		noNamespace := []protocol.Container{ctr("", "x", nil)}
		err = s.ApplyContainerChanges(t.Context(), h.ID, noNamespace, nil)
		wantErr(t, "upsert without namespace", err, store.ErrInvalid)
	})
}

func TestContainersOfUnknownHost(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		cs := []protocol.Container{ctr("moby", "a", nil)}
		err := s.ReplaceContainers(t.Context(), "missing", cs)
		wantErr(t, "ReplaceContainers", err, store.ErrNotFound)
		err = s.ApplyContainerChanges(t.Context(), "missing", cs, nil)
		wantErr(t, "ApplyContainerChanges", err, store.ErrNotFound)
		_, err = s.ListHostContainers(t.Context(), "missing")
		wantErr(t, "ListHostContainers", err, store.ErrNotFound)

		h := enroll(t, s, "node")
		mustNot(t, "RevokeHost", s.RevokeHost(t.Context(), h.ID, epoch))
		err = s.ReplaceContainers(t.Context(), h.ID, cs)
		wantErr(t, "ReplaceContainers of a revoked host", err, store.ErrNotFound)
	})
}

func TestListProjectContainers(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		p, err := s.CreateProject(t.Context(), "shop")
		mustNot(t, "CreateProject", err)
		byName := map[string]string{"coffer.project": "shop"}
		byID := map[string]string{"coffer.project": p.ID}
		other := map[string]string{"coffer.project": "blog"}

		one, two := enroll(t, s, "one"), enroll(t, s, "two")
		err = s.ReplaceContainers(t.Context(), one.ID, []protocol.Container{
			ctr("moby", "web", byName), ctr("moby", "db", byID),
			ctr("moby", "blog", other), ctr("moby", "bare", nil),
		})
		mustNot(t, "ReplaceContainers one", err)
		err = s.ReplaceContainers(t.Context(), two.ID, []protocol.Container{
			ctr("k8s.io", "web", byName),
		})
		mustNot(t, "ReplaceContainers two", err)

		cs, err := s.ListProjectContainers(t.Context(), p)
		mustNot(t, "ListProjectContainers", err)
		if got, want := keys(cs), "k8s.io/web,moby/db,moby/web"; got != want {
			t.Fatalf("project containers: got %s, want %s", got, want)
		}
		for _, c := range cs {
			if c.ProjectLabel != "shop" && c.ProjectLabel != p.ID {
				t.Errorf("project label of %s: got %q", c.ContainerID, c.ProjectLabel)
			}
		}

		mustNot(t, "RevokeHost", s.RevokeHost(t.Context(), two.ID, epoch))
		cs, err = s.ListProjectContainers(t.Context(), p)
		mustNot(t, "ListProjectContainers", err)
		if got, want := keys(cs), "moby/db,moby/web"; got != want {
			t.Errorf("project containers without revoked host: got %s, want %s", got, want)
		}
	})
}
