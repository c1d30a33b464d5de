package protocol

import "fmt"

// Version is the protocol version. Peers must agree on Major; Minor may
// differ, and a peer must ignore message fields it does not know.
type Version struct {
	Major int `json:"major"`
	Minor int `json:"minor"`
}

// Current is the protocol version this build speaks.
var Current = Version{Major: 1, Minor: 0}

// AgentVersion is the release of the agent binary, set at link time.
var AgentVersion = "dev"

func (v Version) String() string { return fmt.Sprintf("%d.%d", v.Major, v.Minor) }

// Compatible reports whether a peer speaking v can talk to this build.
func (v Version) Compatible() error {
	if v.Major != Current.Major {
		return fmt.Errorf("%w: peer speaks %s, this build speaks %s",
			ErrVersionMismatch, v, Current)
	}
	return nil
}
