package store_test

import (
	"testing"

	"github.com/cofferhq/coffer/controlplane/store"
	"github.com/cofferhq/coffer/ent"
)

func newS3Target(name string) store.NewTarget {
	return store.NewTarget{
		Name: name, Type: store.TargetS3, Endpoint: "http://127.0.0.1:7070",
		Bucket: "coffer-test", Prefix: "backups", AccessKeyID: "access",
		SecretSealed: "v1:sealed", PathStyle: true,
	}
}

func createTarget(t *testing.T, s *store.Store, name string) *ent.StorageTarget {
	t.Helper()
	tg, err := s.CreateTarget(t.Context(), newS3Target(name))
	mustNot(t, "CreateTarget", err)
	return tg
}

func createProject(t *testing.T, s *store.Store, name string) *ent.Project {
	t.Helper()
	p, err := s.CreateProject(t.Context(), name)
	mustNot(t, "CreateProject", err)
	return p
}

// twoItems returns a volume item and a path item on host.
func twoItems(hostID string) []store.NewBackupItem {
	return []store.NewBackupItem{
		{
			Kind: store.KindVolume, HostID: hostID, ContainerNamespace: "moby",
			ContainerID: "c0ffee", ContainerName: "db", SourcePath: "/var/lib/db",
			ObjectKey: "backups/web/b/db.tar.zst",
		},
		{
			Kind: store.KindPath, HostID: hostID, SourcePath: "/etc/nginx",
			ObjectKey: "backups/web/b/nginx.tar.zst",
		},
	}
}

// createBackup creates a backup of a new project in a new target.
func createBackup(t *testing.T, s *store.Store) *ent.Backup {
	t.Helper()
	p := createProject(t, s, "web")
	tg := createTarget(t, s, "main")
	b, err := s.CreateBackup(t.Context(), p.ID, tg.ID, "nightly", "backups/web/b/",
		twoItems("host1"), epoch)
	mustNot(t, "CreateBackup", err)
	return b
}

func ptr[T any](v T) *T { return &v }
