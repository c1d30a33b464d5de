package archive

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
)

// ExtractOptions tunes Extract. The zero value is the safe choice.
type ExtractOptions struct {
	// AllowAbsoluteSymlinks creates symlinks with absolute targets, kept
	// verbatim. They are refused by default because Extract cannot know
	// whose root such a target names: on the host, "/etc" is the host's.
	// A container volume or a host configuration path legitimately holds
	// them (a container resolves them against its own root), so restores
	// of what Write produced set this. It never lets Extract itself reach
	// outside dest, since Extract follows no symlink; it changes what a
	// host process that later follows links in the tree would find.
	// Relative targets that climb out of dest are refused either way.
	AllowAbsoluteSymlinks bool

	// OnWarning hears about every skipped entry and every warning.
	OnWarning func(name string, err error)
}

// dirMeta is a directory whose mode, owner, xattrs and time are applied
// after its contents, so that creating them neither fails on a read-only
// mode nor moves its mtime.
type dirMeta struct {
	rel string
	hdr *tar.Header
}

type extractor struct {
	ctx    context.Context
	opts   ExtractOptions
	tree   *destTree
	stats  Stats
	note   notifier
	owners bool // restore owners: only root may give files away
	dirs   []dirMeta
	buf    []byte
}

// Extract unpacks the tar stream r into the existing directory dest and
// returns what it created. It refuses, with an error matching
// ErrUnsafePath, any entry that would reach outside dest; entries before
// it stay extracted. Modes, numeric owners (when running as root), mtimes,
// kept xattrs, hard links, symlinks and FIFOs are restored; devices are
// skipped. An existing entry in the way is replaced, except that an
// existing directory is kept and merged into.
func Extract(ctx context.Context, r io.Reader, dest string, opts ExtractOptions) (Stats, error) {
	tree, err := openDestTree(dest)
	if err != nil {
		return Stats{}, err
	}
	defer tree.close()

	x := &extractor{
		ctx:    ctx,
		opts:   opts,
		tree:   tree,
		owners: os.Geteuid() == 0,
		buf:    make([]byte, copyBufferSize),
	}
	x.note = notifier{stats: &x.stats, onWarning: opts.OnWarning}

	tr := tar.NewReader(r)
	for {
		if err := ctx.Err(); err != nil {
			return x.stats, err
		}
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return x.stats, fmt.Errorf("read archive: %w", err)
		}
		if err := x.entry(hdr, tr); err != nil {
			return x.stats, err
		}
	}
	return x.stats, x.finishDirs()
}

// entry extracts one archive entry by its type.
func (x *extractor) entry(hdr *tar.Header, r io.Reader) error {
	if hdr.Typeflag == tar.TypeXGlobalHeader {
		return nil // archive-wide metadata, such as git archive's commit id
	}
	rel, err := cleanName(hdr.Name)
	if err != nil {
		return err
	}
	if isSparse(hdr) {
		return fmt.Errorf("extract %q: %w", hdr.Name, ErrSparseEntry)
	}
	if rel == "" && hdr.Typeflag != tar.TypeDir {
		return unsafePath(hdr.Name, "entry would replace the destination itself")
	}

	switch hdr.Typeflag {
	case tar.TypeDir:
		return x.dir(rel, hdr)
	case tar.TypeReg:
		return x.file(rel, hdr, r)
	case tar.TypeSymlink:
		return x.symlink(rel, hdr)
	case tar.TypeLink:
		return x.hardlink(rel, hdr)
	case tar.TypeFifo:
		return x.fifo(rel, hdr)
	default:
		x.note.skip(hdr.Name, ErrSpecialFile)
		return nil
	}
}

// finishDirs applies directory metadata, deepest last-seen first.
func (x *extractor) finishDirs() error {
	for i := len(x.dirs) - 1; i >= 0; i-- {
		if err := x.ctx.Err(); err != nil {
			return err
		}
		if err := x.finishDir(x.dirs[i]); err != nil {
			return err
		}
	}
	return nil
}
