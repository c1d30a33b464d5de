package journal

import (
	"errors"
	"fmt"
	"time"

	"github.com/cofferhq/coffer/protocol"
)

// Action is what the agent did to a container, and so what recovery undoes.
type Action string

// The recorded actions.
const (
	// ActionPause froze the container; recovery resumes it.
	ActionPause Action = "pause"
	// ActionStop stopped the container; recovery starts it.
	ActionStop Action = "stop"
)

// Purpose says which kind of item changed the container, so that recovery
// can tell a person what was interrupted.
type Purpose string

// The purposes of a record.
const (
	PurposeBackup  Purpose = "backup"
	PurposeRestore Purpose = "restore"
)

// Entry is one container the agent paused or stopped and has not yet
// resumed or started again.
type Entry struct {
	Container protocol.ContainerRef `json:"container"`
	Action    Action                `json:"action"`
	Purpose   Purpose               `json:"purpose"`
	JobID     string                `json:"jobId,omitempty"`
	ItemID    string                `json:"itemId,omitempty"`
	At        time.Time             `json:"at"`
}

// Record is an entry as stored, with the id that removes it.
type Record struct {
	ID string
	Entry
}

// Key names the entry's container as namespace/id.
func (e Entry) Key() string {
	return containerKey(e.Container)
}

func containerKey(c protocol.ContainerRef) string {
	return c.Namespace + "/" + c.ID
}

func (e Entry) validate() error {
	if e.Container.Namespace == "" || e.Container.ID == "" {
		return errors.New("no container named")
	}
	if e.Action != ActionPause && e.Action != ActionStop {
		return fmt.Errorf("unknown action %q", e.Action)
	}
	return nil
}
