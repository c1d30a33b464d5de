// Package storage is the control plane's side of backup storage: it holds
// the credentials, signs the URLs through which agents move data, completes
// and verifies uploads, and reads and writes small objects such as
// manifests.
//
// Every error a Target returns wraps one of this package's sentinels, so
// callers decide what to do with errors.Is and IsRetryable and never see a
// vendor's error types.
package storage

import (
	"context"
	"time"

	"github.com/cofferhq/coffer/protocol"
)

// Target is a place backups are stored.
//
// Keys are full object keys, as built by ObjectKey. Methods that presign
// return an error wrapping errors.ErrUnsupported on targets whose data the
// agent reaches by itself (a local directory).
type Target interface {
	// Probe checks that the target is reachable and writable by writing,
	// reading back and deleting a small object.
	Probe(ctx context.Context) error

	// CreateUpload starts a multipart upload and returns its id.
	CreateUpload(ctx context.Context, key string) (string, error)
	// PresignParts signs count consecutive parts starting at first.
	PresignParts(ctx context.Context, key, uploadID string, first, count int32,
		ttl time.Duration) ([]protocol.PresignedPart, error)
	// CompleteUpload assembles the parts the agent reported.
	CompleteUpload(ctx context.Context, key, uploadID string,
		parts []protocol.PartReceipt) error
	// AbortUpload discards an upload and the parts stored for it.
	AbortUpload(ctx context.Context, key, uploadID string) error

	// Head returns an object's size and user metadata, or ErrNotFound.
	Head(ctx context.Context, key string) (int64, map[string]string, error)
	// PresignGet signs a download of the whole object.
	PresignGet(ctx context.Context, key string, ttl time.Duration) (protocol.PresignedGet, error)

	// Put stores a small object, such as a manifest, in one request.
	Put(ctx context.Context, key string, body []byte) error
	// Get reads a small object whole; it refuses objects over MaxGetSize.
	Get(ctx context.Context, key string) ([]byte, error)
	// List returns every object whose key starts with prefix.
	List(ctx context.Context, prefix string) ([]Object, error)
	// Delete removes objects; keys that do not exist are not an error.
	Delete(ctx context.Context, keys ...string) error
}

// Object is one entry of a listing.
type Object struct {
	Key          string
	Size         int64
	LastModified time.Time
}

// MaxGetSize bounds what Get reads into memory. Manifests are far smaller;
// anything larger is a backup item and belongs to the agent's stream.
const MaxGetSize = 64 << 20
