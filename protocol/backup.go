package protocol

import "time"

// Operations of backups and restores. Each item of a backup is one stream,
// so items proceed, fail and are cancelled independently.
const (
	// OpMeasure asks the agent for the size of what an item will read, so
	// the control plane can choose a part size before the upload starts.
	OpMeasure Op = "measure"
	// OpBackupItem streams one item from its source into storage.
	OpBackupItem Op = "backup-item"
	// OpRestoreItem streams one item from storage back onto the host.
	OpRestoreItem Op = "restore-item"
	// OpPutObject writes a small file, such as a backup's manifest, into a
	// local target on the agent's host. The content travels in the request.
	OpPutObject Op = "put-object"
	// OpDeleteObjects deletes a backup's files from a local target on the
	// agent's host, and then the backup's directory once it is empty.
	OpDeleteObjects Op = "delete-objects"
)

// CapBackup is announced by agents that serve the operations above.
const CapBackup = "backup"

// ItemKind says what an item reads.
type ItemKind string

// The kinds of items.
const (
	// KindVolume is a bind mount of a container.
	KindVolume ItemKind = "volume"
	// KindPath is a configuration path on the host.
	KindPath ItemKind = "path"
)

// Consistency says what happens to a container while its volume is read.
type Consistency string

// The consistency modes of a project.
const (
	ConsistencyPause Consistency = "pause"
	ConsistencyStop  Consistency = "stop"
	ConsistencyNone  Consistency = "none"
)

// ContainerRef names a container on the agent's host.
type ContainerRef struct {
	Namespace string `json:"namespace"`
	ID        string `json:"id"`
}

// Source is what an item reads on the host: a directory, and for volumes
// the container that uses it.
type Source struct {
	Kind ItemKind `json:"kind"`
	// Path is the directory on the host: a volume's mount source, or the
	// attached configuration path.
	Path      string        `json:"path"`
	Container *ContainerRef `json:"container,omitempty"`
}

// MeasureRequest asks for the size of a source.
type MeasureRequest struct {
	Source Source `json:"source"`
}

// MeasureResult is the size of a source at the time it was measured.
type MeasureResult struct {
	Bytes int64 `json:"bytes"`
	Files int64 `json:"files"`
}

// Sink is where the agent writes an item's stream: exactly one of S3 and
// Local is set.
type Sink struct {
	S3    *S3Upload    `json:"s3,omitempty"`
	Local *LocalObject `json:"local,omitempty"`
}

// S3Upload is a multipart upload the control plane created and signs for.
// More part URLs are asked for on the stream with a NeedURLs event.
type S3Upload struct {
	Plan UploadPlan      `json:"plan"`
	URLs []PresignedPart `json:"urls"`
}

// LocalObject is a file under a directory on the agent's host.
type LocalObject struct {
	Target LocalTarget `json:"target"`
	Key    string      `json:"key"`
}

// BackupItemRequest starts one item of a backup.
type BackupItemRequest struct {
	JobID       string      `json:"jobId"`
	ItemID      string      `json:"itemId"`
	Attempt     int         `json:"attempt"`
	Source      Source      `json:"source"`
	Consistency Consistency `json:"consistency"`
	Sink        Sink        `json:"sink"`
	// KeepHeld says that the next item on this host reads another volume
	// of the same container with the same consistency: the agent leaves
	// the container paused or stopped after this item, if it was stored,
	// so that all its volumes are read at one instant. The agent releases
	// the container anyway if that item does not come soon.
	KeepHeld bool `json:"keepHeld,omitempty"`
}

// ItemEvent is sent on an item's stream while it runs, in either
// direction: the agent reports progress and asks for part URLs, the control
// plane answers with URLs.
type ItemEvent struct {
	// Progress: bytes read from the source so far, and bytes written to
	// the sink (after compression).
	ReadBytes    int64 `json:"readBytes,omitempty"`
	WrittenBytes int64 `json:"writtenBytes,omitempty"`
	// NeedURLs asks for Count part URLs starting at part First.
	NeedURLs *URLRange `json:"needUrls,omitempty"`
	// URLs answers NeedURLs.
	URLs []PresignedPart `json:"urls,omitempty"`
	// Message is a human-readable note (e.g. "container paused").
	Message string `json:"message,omitempty"`
}

// URLRange is a range of part numbers.
type URLRange struct {
	First int32 `json:"first"`
	Count int32 `json:"count"`
}

// BackupItemResult reports a finished item. The control plane completes an
// S3 upload from Parts and verifies the object before it counts the item.
type BackupItemResult struct {
	// Size and SHA256 describe the stored object (the compressed stream).
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
	// SourceBytes is the uncompressed size read from the source.
	SourceBytes int64         `json:"sourceBytes"`
	Files       int64         `json:"files"`
	Warnings    []string      `json:"warnings,omitempty"`
	Parts       []PartReceipt `json:"parts,omitempty"`
	Duration    time.Duration `json:"duration"`
}

// RestoreMode says where an item is restored.
type RestoreMode string

// The restore modes.
const (
	// RestoreReplace stops the container, replaces the volume's contents,
	// and starts the container again.
	RestoreReplace RestoreMode = "replace"
	// RestorePath restores into another directory on the host.
	RestorePath RestoreMode = "path"
)

// RestoreItemRequest restores one item.
type RestoreItemRequest struct {
	JobID  string      `json:"jobId"`
	ItemID string      `json:"itemId"`
	Mode   RestoreMode `json:"mode"`
	// Source is the item as it was backed up; Target is the directory to
	// restore into (Source.Path for replace mode).
	Source Source `json:"source"`
	Target string `json:"target"`
	// Exactly one of S3 and Local is set.
	S3    *PresignedGet `json:"s3,omitempty"`
	Local *LocalObject  `json:"local,omitempty"`
	// SHA256 and Size of the stored object, checked while reading.
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
	// KeepHeld, in replace mode, says that the next item on this host
	// restores another volume of the same container: the agent leaves the
	// container stopped after this one, if it was restored, so that the
	// container never runs on a mix of restored and old volumes. The agent
	// starts it anyway if that item does not come soon.
	KeepHeld bool `json:"keepHeld,omitempty"`
}

// RestoreItemResult reports a finished restore.
type RestoreItemResult struct {
	Bytes    int64         `json:"bytes"`
	Files    int64         `json:"files"`
	Duration time.Duration `json:"duration"`
}

// Error codes an agent reports in result frames of backup and restore
// streams, so the control plane can tell a user what happened.
const (
	CodeSourceMissing = "source_missing"
	CodeUnsafeArchive = "unsafe_archive"
	CodeStorage       = "storage_failed"
	CodeRuntime       = "runtime_failed"
	CodeChecksum      = "checksum_mismatch"
	CodeCanceled      = "canceled"
	CodeInternal      = "internal"
)
