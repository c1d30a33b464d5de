// Package journal keeps a durable record of the containers the agent has
// paused or stopped, so that a crash in the middle of a backup or restore
// never leaves one of them frozen or down. A record is written and flushed
// to disk before the container is touched and removed once it runs again;
// Recover, run when the agent starts, undoes whatever is still recorded.
//
// Items hold the container's lock (Lock) from before they add a record
// until after they remove it. Recover skips containers whose lock is held,
// so it never undoes the work of an item still in progress.
package journal

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

const (
	recordSuffix = ".json"
	tempPrefix   = ".tmp-"
	// badSuffix marks a record that could not be read; it is kept for a
	// person to look at and no longer listed.
	badSuffix = ".bad"
)

// Journal is a directory of records, one small JSON file each. Each file is
// written under a temporary name, flushed and renamed, so that a record is
// either complete or absent. It is safe for concurrent use.
type Journal struct {
	dir   string
	locks lockTable
}

// Open opens the journal in dir, creating the directory if needed. It
// removes temporary files a crash left behind: a record that was never
// completed was never acted on, since the container is touched only after
// its record is on disk.
func Open(dir string) (*Journal, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create journal %s: %w", dir, err)
	}
	names, err := readNames(dir)
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		if strings.HasPrefix(name, tempPrefix) {
			_ = os.Remove(filepath.Join(dir, name))
		}
	}
	return &Journal{dir: dir, locks: lockTable{held: make(map[string]*containerLock)}}, nil
}

// Add stores e durably, stamped with the current time if it has none, and
// returns its record.
func (j *Journal) Add(e Entry) (Record, error) {
	if err := e.validate(); err != nil {
		return Record{}, fmt.Errorf("record container: %w", err)
	}
	if e.At.IsZero() {
		e.At = time.Now().UTC()
	}
	data, err := json.Marshal(e)
	if err != nil {
		return Record{}, fmt.Errorf("encode record of %s: %w", e.Key(), err)
	}

	id := newID()
	if err := writeSynced(j.dir, id+recordSuffix, data); err != nil {
		return Record{}, fmt.Errorf("record %s of %s: %w", e.Action, e.Key(), err)
	}
	return Record{ID: id, Entry: e}, nil
}

// Remove deletes a record; one already gone is no error.
func (j *Journal) Remove(id string) error {
	err := os.Remove(filepath.Join(j.dir, id+recordSuffix))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("remove journal record %s: %w", id, err)
	}
	return syncDir(j.dir)
}

// List returns the records in the order they were added.
func (j *Journal) List() ([]Record, error) {
	records, bad, err := j.scan()
	if err != nil {
		return nil, err
	}
	if len(bad) > 0 {
		return records, fmt.Errorf("read journal %s: %d unreadable records", j.dir, len(bad))
	}
	return records, nil
}

// scan reads every record, returning the names of those it cannot read.
func (j *Journal) scan() ([]Record, []string, error) {
	names, err := readNames(j.dir)
	if err != nil {
		return nil, nil, err
	}
	var records []Record
	var bad []string
	for _, name := range names {
		id, ok := strings.CutSuffix(name, recordSuffix)
		if !ok || strings.HasPrefix(name, tempPrefix) {
			continue
		}
		e, err := j.read(id)
		if errors.Is(err, os.ErrNotExist) {
			continue // removed while listing
		}
		if err != nil {
			bad = append(bad, name)
			continue
		}
		records = append(records, Record{ID: id, Entry: e})
	}
	return records, bad, nil
}

func (j *Journal) read(id string) (Entry, error) {
	var e Entry
	data, err := os.ReadFile(filepath.Join(j.dir, id+recordSuffix))
	if err != nil {
		return e, err
	}
	if err := json.Unmarshal(data, &e); err != nil {
		return e, fmt.Errorf("decode journal record %s: %w", id, err)
	}
	if err := e.validate(); err != nil {
		return e, fmt.Errorf("check journal record %s: %w", id, err)
	}
	return e, nil
}

// setAside renames an unreadable record so that it is no longer listed.
func (j *Journal) setAside(name string) error {
	from := filepath.Join(j.dir, name)
	if err := os.Rename(from, from+badSuffix); err != nil {
		return fmt.Errorf("set aside journal record %s: %w", name, err)
	}
	return nil
}

// newID returns an id that sorts by creation time.
func newID() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return strconv.FormatInt(time.Now().UnixNano(), 10) + "-" + hex.EncodeToString(b)
}

// readNames lists dir sorted; ids of equal length sort by time.
func readNames(dir string) ([]string, error) {
	d, err := os.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("open journal %s: %w", dir, err)
	}
	defer d.Close()
	names, err := d.Readdirnames(-1)
	if err != nil {
		return nil, fmt.Errorf("list journal %s: %w", dir, err)
	}
	sort.Strings(names)
	return names, nil
}
