package client

import "time"

// Backup is one backup of a project and the items it holds.
type Backup struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	Status string `json:"status"`
	// Path is the key prefix of the backup's objects, or its directory on
	// the hosts for a local target.
	Path string `json:"path"`
	// S3Key is the key of the backup's manifest; for a local target it is
	// relative to the target's directory on each host that holds items.
	S3Key       string       `json:"s3Key"`
	ProjectID   string       `json:"projectId"`
	TargetID    string       `json:"targetId"`
	CreatedAt   time.Time    `json:"createdAt"`
	StartedAt   *time.Time   `json:"startedAt"`
	CompletedAt *time.Time   `json:"completedAt"`
	Error       string       `json:"error"`
	Items       []BackupItem `json:"items"`
}

// Finished reports whether the backup has reached its final status.
func (b *Backup) Finished() bool { return finalStatus(b.Status) }

// ItemContainer names the container whose volume an item holds.
type ItemContainer struct {
	Namespace string `json:"namespace"`
	ID        string `json:"id"`
	Name      string `json:"name"`
}

// BackupItem is one stored object of a backup.
type BackupItem struct {
	ID        string         `json:"id"`
	Kind      string         `json:"kind"`
	HostID    string         `json:"hostId"`
	Container *ItemContainer `json:"container"`
	Source    string         `json:"source"`
	ObjectKey string         `json:"objectKey"`
	Size      int64          `json:"size"`
	// SourceBytes is what the item read, or, while it runs, what it
	// measured before starting.
	SourceBytes int64  `json:"sourceBytes"`
	Files       int64  `json:"files"`
	SHA256      string `json:"sha256"`
	DurationMs  int64  `json:"durationMs"`
	Status      string `json:"status"`
	Error       string `json:"error"`
}

// RestoreRequest asks for a backup's items to be restored.
type RestoreRequest struct {
	// Items selects items by id; none means all of them.
	Items []string `json:"items,omitempty"`
	// Mode is "replace" (back where each item came from) or "path".
	Mode string `json:"mode"`
	// Path is the directory items are restored into in path mode.
	Path string `json:"path,omitempty"`
}

// Restore is one restore of a backup's items.
type Restore struct {
	ID          string          `json:"id"`
	BackupID    string          `json:"backupId"`
	Mode        string          `json:"mode"`
	TargetPath  string          `json:"targetPath"`
	Status      string          `json:"status"`
	Error       string          `json:"error"`
	ItemIDs     []string        `json:"itemIds"`
	Results     []RestoreResult `json:"results"`
	CreatedAt   time.Time       `json:"createdAt"`
	StartedAt   *time.Time      `json:"startedAt"`
	CompletedAt *time.Time      `json:"completedAt"`
}

// Finished reports whether the restore has reached its final status.
func (r *Restore) Finished() bool { return finalStatus(r.Status) }

// RestoreResult is how restoring one item went.
type RestoreResult struct {
	ItemID     string `json:"itemId"`
	Status     string `json:"status"`
	Error      string `json:"error,omitempty"`
	Bytes      int64  `json:"bytes"`
	Files      int64  `json:"files"`
	DurationMs int64  `json:"durationMs"`
}

// ImportResult counts what a catalog import found.
type ImportResult struct {
	Imported int `json:"imported"`
	Skipped  int `json:"skipped"`
}

// BackupEvent is one event of a backup's event stream. The first event of
// a stream has type "state" and carries Backup and Restores; the others
// describe one change.
type BackupEvent struct {
	Type         string    `json:"type"`
	BackupID     string    `json:"backupId"`
	RestoreID    string    `json:"restoreId"`
	ItemID       string    `json:"itemId"`
	Status       string    `json:"status"`
	Error        string    `json:"error"`
	Message      string    `json:"message"`
	At           time.Time `json:"at"`
	TotalBytes   int64     `json:"totalBytes"`
	ReadBytes    int64     `json:"readBytes"`
	WrittenBytes int64     `json:"writtenBytes"`
	Size         int64     `json:"size"`
	SHA256       string    `json:"sha256"`

	Backup   *Backup   `json:"backup"`
	Restores []Restore `json:"restores"`
}

// The types of backup events.
const (
	EventState    = "state"
	EventBackup   = "backup"
	EventItem     = "item"
	EventProgress = "progress"
	EventRestore  = "restore"
)

func finalStatus(s string) bool { return s == "COMPLETED" || s == "FAILED" }
