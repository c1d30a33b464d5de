package archive

// Stats counts what one Write or Extract handled.
type Stats struct {
	Files     int64 // regular files with content
	Dirs      int64 // directories, the top one included
	Symlinks  int64
	Hardlinks int64 // second and later names of one inode
	Fifos     int64
	Bytes     int64 // file content, not counting tar or compression overhead
	Skipped   int64 // entries left out: devices, sockets, vanished files
	Warnings  int64 // entries kept with a defect: changed while read, lost xattrs
}

// notifier delivers skips and warnings to the caller's callback.
type notifier struct {
	stats     *Stats
	onWarning func(name string, err error)
}

func (n notifier) skip(name string, err error) {
	n.stats.Skipped++
	if n.onWarning != nil {
		n.onWarning(name, err)
	}
}

func (n notifier) warn(name string, err error) {
	n.stats.Warnings++
	if n.onWarning != nil {
		n.onWarning(name, err)
	}
}
