package protocol

import "time"

// Container is one container as the agent sees it in containerd.
type Container struct {
	// ID is the containerd container id, unique within its namespace.
	ID        string            `json:"id"`
	Namespace string            `json:"namespace"`
	Name      string            `json:"name"`
	Image     string            `json:"image"`
	Labels    map[string]string `json:"labels,omitempty"`
	State     ContainerState    `json:"state"`
	Mounts    []Mount           `json:"mounts,omitempty"`
	CreatedAt time.Time         `json:"createdAt"`
}

// Key identifies a container across namespaces on one host.
func (c Container) Key() string { return c.Namespace + "/" + c.ID }

// ContainerState is the state of a container's task.
type ContainerState string

// The states a container can be in. A container without a task is "created".
const (
	StateCreated ContainerState = "created"
	StateRunning ContainerState = "running"
	StatePaused  ContainerState = "paused"
	StateStopped ContainerState = "stopped"
	StateUnknown ContainerState = "unknown"
)

// Mount is one mount of a container's spec.
type Mount struct {
	Source      string `json:"source"`
	Destination string `json:"destination"`
	Type        string `json:"type"`
}

// Inventory is what the agent sends on the inventory stream: a full list
// replaces everything the control plane knew about the host; otherwise the
// message carries changes only.
type Inventory struct {
	Full    bool        `json:"full,omitempty"`
	Upserts []Container `json:"upserts,omitempty"`
	// Deletes holds the keys (namespace/id) of containers that are gone.
	Deletes []string `json:"deletes,omitempty"`
	// RuntimeError is set while containerd cannot be reached; the list is
	// then empty and must not be read as "no containers".
	RuntimeError string `json:"runtimeError,omitempty"`
}
