package api

import (
	"time"

	"github.com/cofferhq/coffer/ent"
)

// targetView shows a storage target. The secret is write-only: the view
// says whether one is stored and nothing more.
type targetView struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Type        string    `json:"type"`
	Dir         string    `json:"dir"`
	Endpoint    string    `json:"endpoint"`
	Region      string    `json:"region"`
	Bucket      string    `json:"bucket"`
	Prefix      string    `json:"prefix"`
	AccessKeyID string    `json:"accessKeyId"`
	HasSecret   bool      `json:"hasSecret"`
	PathStyle   bool      `json:"pathStyle"`
	MaxParts    int       `json:"maxParts"`
	CreatedAt   time.Time `json:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt"`
}

func viewTarget(t *ent.StorageTarget) targetView {
	return targetView{
		ID: t.ID, Name: t.Name, Type: string(t.Type), Dir: t.LocalDir,
		Endpoint: t.Endpoint, Region: t.Region, Bucket: t.Bucket, Prefix: t.Prefix,
		AccessKeyID: t.AccessKeyID, HasSecret: t.SecretSealed != "",
		PathStyle: t.PathStyle, MaxParts: t.MaxParts,
		CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt,
	}
}

type pathView struct {
	ID        string    `json:"id"`
	ProjectID string    `json:"projectId"`
	HostID    string    `json:"hostId"`
	Path      string    `json:"path"`
	CreatedAt time.Time `json:"createdAt"`
}

func viewPath(p *ent.ProjectPath) pathView {
	return pathView{
		ID: p.ID, ProjectID: p.ProjectID, HostID: p.HostID, Path: p.Path,
		CreatedAt: p.CreatedAt,
	}
}
