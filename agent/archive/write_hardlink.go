package archive

import (
	"archive/tar"
	"fmt"

	"golang.org/x/sys/unix"
)

// writeLinkIfSeen writes a hard link entry when st's inode was archived
// under another name already, and reports whether it did.
func (w *writer) writeLinkIfSeen(name string, st *unix.Stat_t) (bool, error) {
	if st.Nlink < 2 {
		return false, nil
	}
	first, ok := w.links[fileID{dev: st.Dev, ino: st.Ino}]
	if !ok {
		return false, nil
	}

	hdr := entryHeader(name, st, tar.TypeLink)
	hdr.Linkname = first
	if err := w.tw.WriteHeader(hdr); err != nil {
		return true, fmt.Errorf("write header %q: %w", name, err)
	}
	w.stats.Hardlinks++
	return true, nil
}

// remember records the first archived name of a multiply linked inode.
func (w *writer) remember(name string, st *unix.Stat_t) {
	if st.Nlink > 1 {
		w.links[fileID{dev: st.Dev, ino: st.Ino}] = name
	}
}
