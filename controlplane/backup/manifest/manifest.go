// Package manifest reads and writes the manifest.json stored beside a
// backup's objects, which describes the backup completely: the bucket
// alone is enough to rebuild the catalog. It depends on the standard
// library only, which keeps its fuzzing fast.
package manifest

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Version is the format of the manifests this control plane writes. A
// reader refuses other versions rather than guess.
const Version = 1

// maxManifestSize bounds what Decode reads. A manifest of 10,000
// items stays under 10 MiB; anything larger was not written by Coffer.
const maxManifestSize = 16 << 20

// ErrInvalid means a manifest cannot be read or describes an impossible
// backup.
var ErrInvalid = errors.New("invalid manifest")

// The statuses and kinds a manifest records.
const (
	StatusCompleted = "COMPLETED"
	StatusFailed    = "FAILED"
	KindVolume      = "volume"
	KindPath        = "path"
)

// Manifest describes a backup completely.
type Manifest struct {
	Version     int       `json:"version"`
	BackupID    string    `json:"backupId"`
	Name        string    `json:"name"`
	Project     Ref       `json:"project"`
	Target      Target    `json:"target"`
	Status      string    `json:"status"`
	Error       string    `json:"error,omitempty"`
	Size        int64     `json:"size"`
	CreatedAt   time.Time `json:"createdAt"`
	CompletedAt time.Time `json:"completedAt"`
	Items       []Item    `json:"items"`
}

// Ref names a project or a host by id and by name.
type Ref struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Target names the storage target the backup was written to.
type Target struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Type string `json:"type"`
}

// Item is one stored object of the backup.
type Item struct {
	ID     string `json:"id"`
	Kind   string `json:"kind"`
	Host   Ref    `json:"host"`
	Status string `json:"status"`
	Error  string `json:"error,omitempty"`
	// Container is set for volumes.
	Container  *Container `json:"container,omitempty"`
	SourcePath string     `json:"sourcePath"`
	// Key is the object's full key in the bucket.
	Key         string `json:"key"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	SourceBytes int64  `json:"sourceBytes"`
	Files       int64  `json:"files"`
	DurationMs  int64  `json:"durationMs"`
}

// Container is the container whose volume an item holds.
type Container struct {
	Namespace string `json:"namespace"`
	ID        string `json:"id"`
	Name      string `json:"name"`
}

// Encode renders m as indented JSON, readable with `jq`.
func Encode(m *Manifest) ([]byte, error) {
	body, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode manifest: %w", err)
	}
	return append(body, '\n'), nil
}

// Decode reads a manifest strictly: unknown fields, trailing data,
// another version or an inconsistent description are refused, since a
// bucket is not trusted to hold only what Coffer wrote.
func Decode(r io.Reader) (*Manifest, error) {
	body, err := io.ReadAll(io.LimitReader(r, maxManifestSize+1))
	if err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	if len(body) > maxManifestSize {
		return nil, fmt.Errorf("read manifest: over %d bytes: %w", maxManifestSize,
			ErrInvalid)
	}

	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	var m Manifest
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("decode manifest: %w: %v", ErrInvalid, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("decode manifest: %w: data after the object", ErrInvalid)
	}
	if err := m.check(); err != nil {
		return nil, fmt.Errorf("check manifest: %w: %s", ErrInvalid, err)
	}
	return &m, nil
}

// check refuses what Coffer never writes. It is what stands between a
// tampered bucket and the catalog, so it also keeps every item's key
// inside its own backup: deleting an imported backup must not reach the
// objects of another.
func (m *Manifest) check() error {
	switch {
	case m.Version != Version:
		return fmt.Errorf("version %d, want %d", m.Version, Version)
	case m.BackupID == "" || strings.ContainsAny(m.BackupID, "/\\"):
		return errors.New("backup id is empty or holds a slash")
	case m.Project.ID == "" || m.Project.Name == "":
		return errors.New("project id or name is empty")
	case m.Status != StatusCompleted && m.Status != StatusFailed:
		return fmt.Errorf("status %q is not final", m.Status)
	case m.Size < 0:
		return errors.New("size is negative")
	case m.CreatedAt.IsZero():
		return errors.New("creation time is missing")
	case len(m.Items) == 0:
		return errors.New("no items")
	}

	ids := make(map[string]bool, len(m.Items))
	for i := range m.Items {
		it := &m.Items[i]
		if err := it.check(m.BackupID); err != nil {
			return fmt.Errorf("item %d: %w", i, err)
		}
		if ids[it.ID] {
			return fmt.Errorf("item %d: id %q repeats", i, it.ID)
		}
		ids[it.ID] = true
	}
	return nil
}

func (it *Item) check(backupID string) error {
	switch {
	case it.ID == "":
		return errors.New("id is empty")
	case it.Kind != KindVolume && it.Kind != KindPath:
		return fmt.Errorf("kind %q is unknown", it.Kind)
	case it.Kind == KindVolume && it.Container == nil:
		return errors.New("volume without its container")
	case it.Host.ID == "":
		return errors.New("host id is empty")
	case !strings.HasPrefix(it.SourcePath, "/"):
		return fmt.Errorf("source path %q is not absolute", it.SourcePath)
	case it.Size < 0 || it.SourceBytes < 0 || it.Files < 0 || it.DurationMs < 0:
		return errors.New("a count is negative")
	case it.Status != StatusCompleted && it.Status != StatusFailed:
		return fmt.Errorf("status %q is not final", it.Status)
	case it.Status == StatusCompleted && !IsSHA256(it.SHA256):
		return errors.New("completed without a sha256")
	}
	return checkItemKey(it.Key, backupID)
}

// checkItemKey accepts a key of the form [prefix/]project/<backupID>/name
// whose segments are all plain names.
func checkItemKey(key, backupID string) error {
	segments := strings.Split(key, "/")
	n := len(segments)
	if n < 3 || segments[n-2] != backupID {
		return fmt.Errorf("key %q is not inside backup %s", key, backupID)
	}
	for _, s := range segments {
		if s == "" || s == "." || s == ".." || strings.ContainsRune(s, '\\') {
			return fmt.Errorf("key %q has an empty or relative segment", key)
		}
	}
	return nil
}

// IsSHA256 reports whether s is a sha256 digest in lowercase hex.
func IsSHA256(s string) bool {
	b, err := hex.DecodeString(s)
	return err == nil && len(b) == 32 && strings.ToLower(s) == s
}
