package backup

import (
	"errors"
	"fmt"
	"regexp"

	"github.com/cofferhq/coffer/protocol"
)

// failure is why an operation failed: a code the control plane acts on, a
// sentence a person can act on, and the error behind it for the log.
type failure struct {
	code string
	msg  string
	err  error
}

// failf makes a failure whose sentence is formatted from format and args.
func failf(code string, err error, format string, args ...any) *failure {
	return &failure{code: code, msg: fmt.Sprintf(format, args...), err: err}
}

// message is the sentence as sent: with any URL cut down to its object,
// since a presigned URL grants access to whoever reads it. The transfer
// package keeps URLs out of its errors; this guards against a layer that
// does not.
func (f *failure) message() string {
	return urlPattern.ReplaceAllStringFunc(f.msg, protocol.RedactURL)
}

var urlPattern = regexp.MustCompile(`https?://[^\s"'<>]+`)

// canceledFailure describes an operation stopped by its context.
func canceledFailure(cause error) *failure {
	reason := "the connection to the control plane ended"
	if errors.Is(cause, errClosedByPeer) {
		reason = "the control plane cancelled it"
	}
	return failf(protocol.CodeCanceled, cause, "The operation stopped because %s.", reason)
}

// badRequest describes a request the agent cannot carry out as sent.
func badRequest(format string, args ...any) *failure {
	msg := fmt.Sprintf(format, args...)
	return &failure{code: protocol.CodeInternal, msg: msg, err: errors.New(msg)}
}
