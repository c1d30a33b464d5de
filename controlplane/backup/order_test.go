package backup

import (
	"slices"
	"testing"

	"github.com/cofferhq/coffer/ent"
)

func TestContainerOrderGroupsVolumes(t *testing.T) {
	vol := func(id, container string) *ent.BackupItem {
		return &ent.BackupItem{ID: id, Kind: kindVolume, ContainerNamespace: "default",
			ContainerID: container}
	}
	path := &ent.BackupItem{ID: "etc", Kind: kindPath}
	items := []*ent.BackupItem{
		vol("db-data", "db"), vol("web-static", "web"), path, vol("db-wal", "db"),
		vol("cache", "cache"), vol("web-uploads", "web"),
	}

	got := containerOrder(items)
	var ids []string
	for _, it := range got {
		ids = append(ids, it.ID)
	}
	want := []string{"db-data", "db-wal", "web-static", "web-uploads", "etc", "cache"}
	if !slices.Equal(ids, want) {
		t.Fatalf("order %q, want %q", ids, want)
	}

	var keep []bool
	for i := range got[:len(got)-1] {
		keep = append(keep, sameContainer(got[i], got[i+1]))
	}
	if wantKeep := []bool{true, false, true, false, false}; !slices.Equal(keep, wantKeep) {
		t.Errorf("keep held %v, want %v", keep, wantKeep)
	}
	if sameContainer(path, path) {
		t.Error("a host path counts as a container's volume")
	}
}
