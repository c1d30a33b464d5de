package protocol

import "time"

// Hello is the agent's request on the handshake stream.
type Hello struct {
	Version      Version           `json:"version"`
	AgentVersion string            `json:"agentVersion"`
	Facts        map[string]string `json:"facts,omitempty"`
	Capabilities []string          `json:"capabilities,omitempty"`
	// RunningJobs lists the jobs the agent is still executing, so that a
	// reconnect neither loses nor repeats them.
	RunningJobs []string `json:"runningJobs,omitempty"`
}

// Welcome is the control plane's answer to Hello.
type Welcome struct {
	Version    Version   `json:"version"`
	HostID     string    `json:"hostId"`
	ServerTime time.Time `json:"serverTime"`
}

// Capabilities an agent may announce.
const (
	CapInventory = "inventory"
)

// Facts keys the agent reports about its host.
const (
	FactHostname          = "hostname"
	FactOS                = "os"
	FactArch              = "arch"
	FactKernel            = "kernel"
	FactContainerd        = "containerd"
	FactContainerdVersion = "containerdVersion"
)

// Empty is the body of requests and results that carry nothing.
type Empty struct{}
