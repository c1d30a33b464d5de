package protocol

// Paths of the endpoints the agent calls. They carry their own
// authentication instead of an API token.
const (
	EnrollPath  = "/api/agents/enroll"
	ConnectPath = "/api/agents/connect"
)

// EnrollRequest registers a host's public key in exchange for a one-time
// enrollment token.
type EnrollRequest struct {
	Token        string            `json:"token"`
	PublicKey    []byte            `json:"publicKey"`
	Name         string            `json:"name"`
	AgentVersion string            `json:"agentVersion"`
	Facts        map[string]string `json:"facts,omitempty"`
}

// EnrollResponse names the host the control plane created.
type EnrollResponse struct {
	HostID string `json:"hostId"`
}
