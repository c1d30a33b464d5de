package runtime

import (
	"errors"
	"net"

	"github.com/containerd/containerd/errdefs"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

var (
	// ErrUnavailable means containerd cannot be reached.
	ErrUnavailable = errors.New("containerd unavailable")
	// ErrNotFound means the container does not exist (any more).
	ErrNotFound = errors.New("container not found")
	// ErrNotRunning means the container has no task to act on.
	ErrNotRunning = errors.New("container not running")
)

// IsUnavailable reports whether err means containerd cannot be reached: no
// socket, a refused or broken connection, or a daemon shutting down. Callers
// report such errors as a runtime outage rather than as an empty host.
func IsUnavailable(err error) bool {
	return errors.Is(err, ErrUnavailable) || unreachable(err)
}

// kindError marks an error with one of the package's sentinels while keeping
// the original message.
type kindError struct {
	kind error
	err  error
}

func (e *kindError) Error() string   { return e.err.Error() }
func (e *kindError) Unwrap() []error { return []error{e.kind, e.err} }

func unavailable(err error) error {
	return &kindError{kind: ErrUnavailable, err: err}
}

// classify turns the containerd and gRPC errors that callers act on into the
// package's sentinels, so that nobody above needs to know their types.
func classify(err error) error {
	if err == nil {
		return nil
	}
	if unreachable(err) {
		return unavailable(err)
	}
	// Some client calls return raw gRPC errors, others errdefs classes already;
	// converting the latter again would lose their class.
	if _, ok := status.FromError(err); ok {
		err = errdefs.FromGRPC(err)
	}
	if errdefs.IsNotFound(err) {
		return &kindError{kind: ErrNotFound, err: err}
	}
	return err
}

// unreachable recognises the vendor errors of a daemon that is not there.
func unreachable(err error) bool {
	if err == nil {
		return false
	}
	if errdefs.IsUnavailable(err) {
		return true
	}
	if s, ok := status.FromError(err); ok && s.Code() == codes.Unavailable {
		return true
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}
