package client

import "time"

// The types below mirror the JSON the API returns, field for field, so that
// printing one again yields what the server sent.

// Project groups containers whose backups are taken together.
type Project struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Consistency string `json:"consistency"`
	// DefaultTargetID is nil until a default storage target is set.
	DefaultTargetID *string   `json:"defaultTargetId"`
	CreatedAt       time.Time `json:"createdAt"`
	UpdatedAt       time.Time `json:"updatedAt"`
}

// Host is an enrolled container host.
type Host struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Status string `json:"status"`
	// LastSeenAt is nil until the host's agent first connects.
	LastSeenAt   *time.Time        `json:"lastSeenAt"`
	AgentVersion string            `json:"agentVersion"`
	Facts        map[string]string `json:"facts"`
	CreatedAt    time.Time         `json:"createdAt"`
}

// Mount is one of a container's volumes.
type Mount struct {
	Source      string `json:"source"`
	Destination string `json:"destination"`
	Type        string `json:"type"`
}

// Container is a container as its host's agent last reported it.
type Container struct {
	ID        string            `json:"id"`
	HostID    string            `json:"hostId"`
	Namespace string            `json:"namespace"`
	Name      string            `json:"name"`
	Image     string            `json:"image"`
	Labels    map[string]string `json:"labels"`
	State     string            `json:"state"`
	Mounts    []Mount           `json:"mounts"`
}

// EnrollmentToken is a one-time token that lets one agent enroll.
type EnrollmentToken struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expiresAt"`
	// ServerURL is the control plane's public URL, the one agents dial.
	ServerURL string `json:"serverUrl"`
}
