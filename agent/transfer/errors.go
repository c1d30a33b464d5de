package transfer

import "errors"

// The failures this package reports. Errors wrap one of them, with the
// storage's own explanation kept in the message.
var (
	// ErrUnavailable: the storage could not be reached or was failing
	// (network errors, 5xx, throttling) for longer than the retries last.
	// Running the job again may succeed.
	ErrUnavailable = errors.New("storage unavailable")
	// ErrRejected: the storage refused the request (expired or wrong
	// signature, bad request). Retrying the same request will not help.
	ErrRejected = errors.New("storage rejected request")
	// ErrNotFound: the object to read does not exist.
	ErrNotFound = errors.New("object not found")
	// ErrIncomplete: a download ended before or after the size the control
	// plane recorded.
	ErrIncomplete = errors.New("object size differs from record")
	// ErrTooManyParts: the stream outgrew the upload plan.
	ErrTooManyParts = errors.New("stream needs more parts than the plan allows")
	// ErrClosed: the sink was already closed or aborted.
	ErrClosed = errors.New("sink closed")
	// ErrInvalidKey: a local key is absolute or climbs out of its
	// directory.
	ErrInvalidKey = errors.New("invalid key")
)

// IsRetryable reports whether running the transfer again may succeed.
func IsRetryable(err error) bool {
	return errors.Is(err, ErrUnavailable)
}

// transferError pairs a sentinel with a description of what the storage
// said. It never holds a URL.
type transferError struct {
	kind   error
	detail string
}

func (e *transferError) Error() string { return e.kind.Error() + ": " + e.detail }

func (e *transferError) Unwrap() error { return e.kind }

func newError(kind error, detail string) error {
	return &transferError{kind: kind, detail: detail}
}
