package storage

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// ManifestName is the object beside a backup's items that describes it.
const ManifestName = "manifest.json"

// Limits on key parts. S3 keys may be up to 1024 bytes; names are kept
// shorter so that every file system can hold them as well.
const (
	maxSegmentLen = 255
	maxKeyLen     = 1024
)

// ObjectKey returns the key of one item of a backup:
// <prefix>/<project>/<backup-id>/<item>, without the prefix when it is
// empty. Project, backup id and item must each be a single path segment,
// so that no name can climb out of its backup or into another's.
func ObjectKey(prefix, project, backupID, item string) (string, error) {
	dir, err := BackupPrefix(prefix, project, backupID)
	if err != nil {
		return "", err
	}
	if err := checkSegment(item); err != nil {
		return "", fmt.Errorf("check item name: %w", err)
	}

	key := dir + item
	if len(key) > maxKeyLen {
		return "", fmt.Errorf("check key length %d: %w", len(key), ErrInvalidKey)
	}
	return key, nil
}

// ManifestKey returns the key of a backup's manifest.
func ManifestKey(prefix, project, backupID string) (string, error) {
	return ObjectKey(prefix, project, backupID, ManifestName)
}

// BackupPrefix returns the key prefix, ending in a slash, under which all of
// a backup's objects live; List and Delete of one backup start from it.
func BackupPrefix(prefix, project, backupID string) (string, error) {
	clean, err := cleanPrefix(prefix)
	if err != nil {
		return "", err
	}
	if err := checkSegment(project); err != nil {
		return "", fmt.Errorf("check project name: %w", err)
	}
	if err := checkSegment(backupID); err != nil {
		return "", fmt.Errorf("check backup id: %w", err)
	}

	return joinKey(clean, project, backupID) + "/", nil
}

// cleanPrefix trims the slashes around a configured prefix and checks what
// is left segment by segment.
func cleanPrefix(prefix string) (string, error) {
	clean := strings.Trim(prefix, "/")
	if clean == "" {
		return "", nil
	}

	for segment := range strings.SplitSeq(clean, "/") {
		if err := checkSegment(segment); err != nil {
			return "", fmt.Errorf("check prefix %q: %w", prefix, err)
		}
	}
	return clean, nil
}

// checkSegment accepts a non-empty name that is not "." or "..", holds no
// slash, backslash or control character, and is valid UTF-8.
func checkSegment(s string) error {
	switch {
	case s == "":
		return fmt.Errorf("empty name: %w", ErrInvalidKey)
	case s == "." || s == "..":
		return fmt.Errorf("name %q: %w", s, ErrInvalidKey)
	case len(s) > maxSegmentLen:
		return fmt.Errorf("name of %d bytes: %w", len(s), ErrInvalidKey)
	case !utf8.ValidString(s):
		return fmt.Errorf("name %q is not UTF-8: %w", s, ErrInvalidKey)
	}

	for _, r := range s {
		if r == '/' || r == '\\' || r < 0x20 || r == 0x7f {
			return fmt.Errorf("name %q has a forbidden character: %w", s, ErrInvalidKey)
		}
	}
	return nil
}

// joinKey joins non-empty parts with slashes.
func joinKey(parts ...string) string {
	kept := parts[:0:0]
	for _, p := range parts {
		if p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, "/")
}
