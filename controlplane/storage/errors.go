package storage

import "errors"

// The failures a Target reports. Each error returned by this package wraps
// exactly one of them, with the provider's own explanation kept in the
// message for people to read.
var (
	// ErrInvalidConfig: the settings cannot work (bad endpoint, bucket
	// name, region or certificate). Retrying will not help.
	ErrInvalidConfig = errors.New("invalid storage configuration")
	// ErrAccessDenied: the credentials are wrong or lack a permission.
	ErrAccessDenied = errors.New("storage access denied")
	// ErrBucketNotFound: the bucket does not exist.
	ErrBucketNotFound = errors.New("bucket not found")
	// ErrNotFound: the object or multipart upload does not exist.
	ErrNotFound = errors.New("object not found")
	// ErrUnreachable: no answer from the endpoint (DNS, connection, timeout).
	ErrUnreachable = errors.New("storage unreachable")
	// ErrUnavailable: the provider answered but is overloaded or failing
	// (5xx, throttling).
	ErrUnavailable = errors.New("storage temporarily unavailable")
	// ErrInvalidKey: a key or one of the names it is built from is not
	// allowed.
	ErrInvalidKey = errors.New("invalid object key")
	// ErrInvalidArgument: a request was malformed before it was sent (part
	// numbers, URL lifetime, receipts).
	ErrInvalidArgument = errors.New("invalid storage request")
	// ErrRejected: the provider refused the request for another reason.
	ErrRejected = errors.New("storage rejected request")
)

// IsRetryable reports whether the same request may succeed later.
func IsRetryable(err error) bool {
	return errors.Is(err, ErrUnreachable) || errors.Is(err, ErrUnavailable)
}

func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

// classifiedError pairs a sentinel with the provider's explanation without
// keeping the vendor's error value, so callers cannot come to depend on it.
type classifiedError struct {
	kind   error
	detail string
}

func (e *classifiedError) Error() string {
	if e.detail == "" {
		return e.kind.Error()
	}
	return e.kind.Error() + ": " + e.detail
}

func (e *classifiedError) Unwrap() error { return e.kind }

func newError(kind error, detail string) error {
	return &classifiedError{kind: kind, detail: detail}
}
