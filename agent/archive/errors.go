package archive

import (
	"errors"
	"fmt"
)

// ErrUnsafePath matches every error Extract returns for an entry that would
// reach outside the destination. Use errors.As with *UnsafePathError to learn
// which entry it was.
var ErrUnsafePath = errors.New("unsafe path")

// Warnings passed to the OnWarning callbacks. None of them stops the stream.
var (
	// ErrFileChanged: a file changed while it was read. Its entry holds
	// exactly the size seen when the header was written.
	ErrFileChanged = errors.New("file changed while read")
	// ErrFileVanished: an entry disappeared between listing and opening.
	ErrFileVanished = errors.New("file vanished")
	// ErrSpecialFile: a device, socket or unknown entry type was skipped.
	ErrSpecialFile = errors.New("special file skipped")
	// ErrXattr: an extended attribute could not be read or restored.
	ErrXattr = errors.New("extended attribute not kept")
	// ErrOwner: an entry's owner could not be restored, for instance an id
	// outside the user namespace Extract runs in.
	ErrOwner = errors.New("owner not restored")
	// ErrRestoreLeftover: a directory a restore made at the top of the
	// tree, still there because that restore runs or its agent died, was
	// skipped. It holds a copy of a backup, never the volume's own data.
	ErrRestoreLeftover = errors.New("restore in progress or left unfinished; skipped")
)

// ErrSparseEntry is returned for GNU sparse entries. Write never produces
// them, and their declared size is not bounded by the stream's length, so an
// archive could make Extract write zeros for as long as it likes.
var ErrSparseEntry = errors.New("sparse entries are not supported")

// UnsafePathError names the entry Extract refused and why.
type UnsafePathError struct {
	Name   string // the entry's name as written in the archive
	Reason string
}

func (e *UnsafePathError) Error() string {
	return fmt.Sprintf("unsafe path %q: %s", e.Name, e.Reason)
}

// Is makes errors.Is(err, ErrUnsafePath) true.
func (e *UnsafePathError) Is(target error) bool {
	return target == ErrUnsafePath
}

func unsafePath(name, reason string) error {
	return &UnsafePathError{Name: name, Reason: reason}
}
