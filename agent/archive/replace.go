package archive

import (
	"fmt"
	"os"
)

// ReplaceContents removes everything inside dest but keeps dest itself, its
// mode, owner and any mount on it, so a volume can be restored in place.
// Symlinks inside are removed, never followed.
func ReplaceContents(dest string) error {
	root, err := os.OpenRoot(dest)
	if err != nil {
		return fmt.Errorf("open %s: %w", dest, err)
	}
	defer root.Close()

	dir, err := root.Open(".")
	if err != nil {
		return fmt.Errorf("open %s: %w", dest, err)
	}
	names, err := dir.Readdirnames(-1)
	dir.Close()
	if err != nil {
		return fmt.Errorf("list %s: %w", dest, err)
	}

	for _, name := range names {
		if err := root.RemoveAll(name); err != nil {
			return fmt.Errorf("empty %s: %w", dest, err)
		}
	}
	return nil
}
