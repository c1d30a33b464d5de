package backup

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/cofferhq/coffer/protocol"
)

// checkPath accepts absolute, clean paths only: a relative path would be
// read relative to wherever the agent runs, and ".." tricks hide what is
// read.
func checkPath(p string) bool {
	return p != "" && filepath.IsAbs(p) && filepath.Clean(p) == p
}

// openSource checks that a source is a directory on this host and returns
// it with symlinks resolved, as the archive follows the top directory
// itself but nothing below it.
func openSource(src protocol.Source) (string, *failure) {
	if !checkPath(src.Path) {
		return "", failf(protocol.CodeSourceMissing, errors.New("source path not absolute"),
			"The source path %q is not an absolute, clean path.", src.Path)
	}
	root, err := filepath.EvalSymlinks(src.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", failf(protocol.CodeSourceMissing, err,
			"The source directory %s does not exist on this host.", src.Path)
	}
	if err != nil {
		return "", failf(protocol.CodeSourceMissing, err,
			"The source directory %s cannot be opened: %v.", src.Path, err)
	}
	info, err := os.Stat(root)
	if err == nil && !info.IsDir() {
		return "", failf(protocol.CodeSourceMissing, errors.New("source not a directory"),
			"The source %s is not a directory.", src.Path)
	}
	if err != nil {
		return "", failf(protocol.CodeSourceMissing, err,
			"The source directory %s cannot be opened: %v.", src.Path, err)
	}
	return root, nil
}
