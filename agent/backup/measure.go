package backup

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"syscall"

	"github.com/cofferhq/coffer/protocol"
)

func (s *Server) measure(c *call, req protocol.MeasureRequest) (any, *failure) {
	root, f := openSource(req.Source)
	if f != nil {
		return nil, f
	}
	res, err := measureTree(c.ctx, root)
	if cause := c.canceled(); cause != nil {
		return nil, canceledFailure(cause)
	}
	if err != nil {
		return nil, failf(protocol.CodeInternal, err, "Measuring %s failed: %v.",
			req.Source.Path, err)
	}
	return res, nil
}

// inode identifies a file, so that hard links count once, as the archive
// stores their content once.
type inode struct{ dev, ino uint64 }

// measureTree sums the sizes of the regular files below root and counts
// them, without following symlinks. Entries that vanish during the walk
// are left out, as the archive leaves them out.
func measureTree(ctx context.Context, root string) (protocol.MeasureResult, error) {
	var res protocol.MeasureResult
	seen := make(map[inode]bool)
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p != root {
				return nil
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		if st, ok := info.Sys().(*syscall.Stat_t); ok && st.Nlink > 1 {
			id := inode{dev: uint64(st.Dev), ino: st.Ino}
			if seen[id] {
				return nil
			}
			seen[id] = true
		}
		res.Bytes += info.Size()
		res.Files++
		return nil
	})
	if err != nil {
		return res, fmt.Errorf("walk %s: %w", root, err)
	}
	return res, nil
}
