package protocol

import "errors"

var (
	// ErrFrameTooLarge means a frame's declared length exceeds MaxFrameSize.
	ErrFrameTooLarge = errors.New("frame too large")
	// ErrVersionMismatch means the peers' major protocol versions differ.
	ErrVersionMismatch = errors.New("protocol version mismatch")
	// ErrUnexpectedFrame means a frame arrived that the operation does not allow.
	ErrUnexpectedFrame = errors.New("unexpected frame")
)

// RemoteError is an error reported by the peer in a result frame.
type RemoteError struct {
	Code    string
	Message string
}

func (e *RemoteError) Error() string {
	if e.Code == "" {
		return e.Message
	}
	return e.Code + ": " + e.Message
}
