package backup

// The states of backups, items and restores, as the store records them.
const (
	statusPending   = "PENDING"
	statusRunning   = "RUNNING"
	statusCompleted = "COMPLETED"
	statusFailed    = "FAILED"
)

// The kinds of items, as the store and manifests record them.
const (
	kindVolume = "volume"
	kindPath   = "path"
)

// final reports whether a status is one a job ends in.
func final(status string) bool {
	return status == statusCompleted || status == statusFailed
}
