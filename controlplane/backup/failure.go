package backup

import (
	"context"
	"errors"
	"strings"

	"github.com/cofferhq/coffer/controlplane/hub"
	"github.com/cofferhq/coffer/protocol"
)

// failure is an error that carries the sentence a user is shown for it;
// the error behind it, with the detail of every layer, goes to the log.
type failure struct {
	msg string
	err error
}

func (f *failure) Error() string {
	if f.err == nil {
		return f.msg
	}
	return f.msg + ": " + f.err.Error()
}

func (f *failure) Unwrap() error { return f.err }

func fail(msg string, err error) error { return &failure{msg: msg, err: err} }

// storageFailure explains an error of the storage target. Storage errors
// name keys and the provider's reason, never a signature.
func storageFailure(err error) error {
	return fail("storage refused the upload: "+lastReason(err), err)
}

// Shutdown and disconnect sentences, shared by backups and restores.
const (
	msgShutdown     = "the control plane shut down while the item ran"
	msgDisconnected = "the agent disconnected"
)

// sentence says in words why err ended an item, for the record and the
// user. The agent's own explanation wins where there is one.
func sentence(err error) string {
	var f *failure
	var remote *protocol.RemoteError
	switch {
	case errors.As(err, &f):
		return f.msg
	case errors.As(err, &remote):
		return remoteSentence(remote)
	case errors.Is(err, context.Canceled):
		return msgShutdown
	case errors.Is(err, hub.ErrHostOffline):
		return "the host went offline"
	case errors.Is(err, ErrStorage):
		return "storage refused the request: " + lastReason(err)
	}
	return "the control plane failed: " + lastReason(err)
}

func remoteSentence(e *protocol.RemoteError) string {
	switch {
	case e.Code == protocol.CodeCanceled:
		return "the agent cancelled the item: " + e.Message
	case e.Message == "":
		return "the agent failed with code " + e.Code
	}
	return e.Message
}

// lastReason drops the call chain in front of the innermost reasons of an
// error message, which name operations the user never asked for. The last
// two parts are kept: the failed call, and why.
func lastReason(err error) string {
	parts := strings.Split(err.Error(), ": ")
	if len(parts) > 2 {
		parts = parts[len(parts)-2:]
	}
	return strings.Join(parts, ": ")
}
