package client

import "time"

// StorageTarget is where backups are written: an S3-compatible bucket or a
// directory on the hosts. The secret access key is never sent back;
// HasSecret says whether one is stored.
type StorageTarget struct {
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

// NewStorageTarget is what creating a storage target takes. A local
// target needs Dir; an s3 target needs Bucket and both keys.
type NewStorageTarget struct {
	Name            string `json:"name"`
	Type            string `json:"type"`
	Dir             string `json:"dir,omitempty"`
	Endpoint        string `json:"endpoint,omitempty"`
	Region          string `json:"region,omitempty"`
	Bucket          string `json:"bucket,omitempty"`
	Prefix          string `json:"prefix,omitempty"`
	AccessKeyID     string `json:"accessKeyId,omitempty"`
	SecretAccessKey string `json:"secretAccessKey,omitempty"`
	PathStyle       bool   `json:"pathStyle,omitempty"`
	MaxParts        int    `json:"maxParts,omitempty"`
}

// ProjectUpdate changes the fields that are not nil. An empty
// DefaultTargetID clears the project's default target.
type ProjectUpdate struct {
	DefaultTargetID *string `json:"defaultTargetId,omitempty"`
	Consistency     *string `json:"consistency,omitempty"`
}

// ProjectPath is a directory on a host that a project's backups hold.
type ProjectPath struct {
	ID        string    `json:"id"`
	ProjectID string    `json:"projectId"`
	HostID    string    `json:"hostId"`
	Path      string    `json:"path"`
	CreatedAt time.Time `json:"createdAt"`
}
