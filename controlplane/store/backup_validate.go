package store

// Limits of backup records.
const (
	maxBackupNameLen = 256
	maxItems         = 10000
	maxItemField     = 1024
)

func validateNewBackup(id, name string, items []NewBackupItem) error {
	if err := validateID("backup id", id); err != nil {
		return err
	}
	if name != "" {
		if err := validateText("backup name", name, maxBackupNameLen); err != nil {
			return err
		}
	}
	if len(items) > maxItems {
		return invalid("%d items, at most %d allowed", len(items), maxItems)
	}
	for _, it := range items {
		if err := validateItem(it); err != nil {
			return err
		}
	}
	return nil
}

func validateItem(it NewBackupItem) error {
	switch it.Kind {
	case KindVolume:
		if it.ContainerNamespace == "" || it.ContainerID == "" {
			return invalid("volume item %q names no container", it.SourcePath)
		}
	case KindPath:
		if it.ContainerNamespace != "" || it.ContainerID != "" || it.ContainerName != "" {
			return invalid("path item %q must not name a container", it.SourcePath)
		}
	default:
		return invalid("item kind %q must be %q or %q", it.Kind, KindVolume, KindPath)
	}

	if err := validateAbsPath("item source", it.SourcePath); err != nil {
		return err
	}
	fields := []struct{ what, v string }{
		{"item host id", it.HostID}, {"item object key", it.ObjectKey},
	}
	for _, f := range fields {
		if err := validateText(f.what, f.v, maxItemField); err != nil {
			return err
		}
	}
	return nil
}

func validateID(what, id string) error {
	return validateText(what, id, maxItemField)
}

func validateStatus(status string) error {
	switch status {
	case StatusPending, StatusRunning, StatusCompleted, StatusFailed:
		return nil
	}
	return invalid("status %q must be PENDING, RUNNING, COMPLETED or FAILED", status)
}
