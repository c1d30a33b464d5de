package api

import (
	"time"

	"github.com/cofferhq/coffer/ent"
	"github.com/cofferhq/coffer/ent/schema"
)

type backupView struct {
	ID          string           `json:"id"`
	Name        string           `json:"name"`
	Size        int64            `json:"size"`
	Status      string           `json:"status"`
	Path        string           `json:"path"`
	S3Key       string           `json:"s3Key"`
	ProjectID   string           `json:"projectId"`
	TargetID    string           `json:"targetId"`
	CreatedAt   time.Time        `json:"createdAt"`
	StartedAt   *time.Time       `json:"startedAt"`
	CompletedAt *time.Time       `json:"completedAt"`
	Error       string           `json:"error"`
	Items       []backupItemView `json:"items"`
}

// itemContainerView names the container of a volume item.
type itemContainerView struct {
	Namespace string `json:"namespace"`
	ID        string `json:"id"`
	Name      string `json:"name"`
}

type backupItemView struct {
	ID          string             `json:"id"`
	Kind        string             `json:"kind"`
	HostID      string             `json:"hostId"`
	Container   *itemContainerView `json:"container"`
	Source      string             `json:"source"`
	ObjectKey   string             `json:"objectKey"`
	Size        int64              `json:"size"`
	SourceBytes int64              `json:"sourceBytes"`
	Files       int64              `json:"files"`
	SHA256      string             `json:"sha256"`
	DurationMs  int64              `json:"durationMs"`
	Status      string             `json:"status"`
	Error       string             `json:"error"`
}

// viewBackup shows a backup with the items loaded into b.Edges.Items.
func viewBackup(b *ent.Backup) backupView {
	items := make([]backupItemView, 0, len(b.Edges.Items))
	for _, it := range b.Edges.Items {
		items = append(items, viewBackupItem(it))
	}
	return backupView{
		ID: b.ID, Name: b.Name, Size: b.Size, Status: string(b.Status), Path: b.Path,
		S3Key: b.S3Key, ProjectID: b.ProjectID, TargetID: b.TargetID,
		CreatedAt: b.CreatedAt, StartedAt: b.StartedAt, CompletedAt: b.CompletedAt,
		Error: b.Error, Items: items,
	}
}

func viewBackupItem(it *ent.BackupItem) backupItemView {
	var ctr *itemContainerView
	if it.ContainerID != "" {
		ctr = &itemContainerView{
			Namespace: it.ContainerNamespace, ID: it.ContainerID, Name: it.ContainerName,
		}
	}
	return backupItemView{
		ID: it.ID, Kind: string(it.Kind), HostID: it.HostID, Container: ctr,
		Source: it.SourcePath, ObjectKey: it.ObjectKey, Size: it.Size,
		SourceBytes: it.SourceBytes, Files: it.Files, SHA256: it.Sha256,
		DurationMs: it.DurationMs, Status: string(it.Status), Error: it.Error,
	}
}

type restoreView struct {
	ID          string                 `json:"id"`
	BackupID    string                 `json:"backupId"`
	Mode        string                 `json:"mode"`
	TargetPath  string                 `json:"targetPath"`
	Status      string                 `json:"status"`
	Error       string                 `json:"error"`
	ItemIDs     []string               `json:"itemIds"`
	Results     []schema.RestoreResult `json:"results"`
	CreatedAt   time.Time              `json:"createdAt"`
	StartedAt   *time.Time             `json:"startedAt"`
	CompletedAt *time.Time             `json:"completedAt"`
}

func viewRestore(r *ent.Restore) restoreView {
	itemIDs, results := r.ItemIds, r.Results
	if itemIDs == nil {
		itemIDs = []string{}
	}
	if results == nil {
		results = []schema.RestoreResult{}
	}
	return restoreView{
		ID: r.ID, BackupID: r.BackupID, Mode: string(r.Mode), TargetPath: r.TargetPath,
		Status: string(r.Status), Error: r.Error, ItemIDs: itemIDs, Results: results,
		CreatedAt: r.CreatedAt, StartedAt: r.StartedAt, CompletedAt: r.CompletedAt,
	}
}
