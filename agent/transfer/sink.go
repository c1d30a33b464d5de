// Package transfer moves an item's bytes between the agent and backup
// storage: sinks that take a backup stream (an S3 multipart upload through
// presigned URLs, or a file in a local directory) and readers that give a
// stored object back for a restore.
//
// The agent holds no storage credentials. It only receives presigned URLs
// from the control plane, which are secrets in their own right: nothing in
// this package logs them or puts them in an error.
package transfer

import "io"

// Sink receives one item's stream. Write and Close are called from one
// goroutine, as with any io.Writer; cancelling the context a sink was made
// with stops it from anywhere.
type Sink interface {
	io.Writer
	// Close stores what was written. Nothing counts as stored unless Close
	// returns nil.
	Close() error
	// Abort discards what was written. It may follow a failed Write or
	// Close and may be called more than once.
	Abort() error
}
