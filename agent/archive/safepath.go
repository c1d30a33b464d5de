package archive

import (
	"archive/tar"
	"strings"
)

// cleanName turns an entry name into a path relative to the destination:
// slash-separated, without empty or "." components, and "" for the
// destination itself. Both "./a/b" and "a/b" give "a/b".
func cleanName(name string) (string, error) {
	rel, problem := cleanRel(name)
	if problem != "" {
		return "", unsafePath(name, problem)
	}
	return rel, nil
}

// cleanRel does cleanName's work and tells what is wrong in words.
func cleanRel(name string) (rel, problem string) {
	if name == "" {
		return "", "empty name"
	}
	if strings.HasPrefix(name, "/") {
		return "", "absolute name"
	}

	parts := strings.Split(name, "/")
	kept := parts[:0]
	for _, p := range parts {
		switch p {
		case "", ".":
			continue
		case "..":
			return "", `name contains ".."`
		}
		kept = append(kept, p)
	}
	return strings.Join(kept, "/"), ""
}

// symlinkTargetProblem tells why a symlink at rel with the given target may
// not be created, or returns "".
//
// A relative target may climb with leading ".." no higher than the
// destination, then only descend. The rule is stricter than resolving the
// target lexically: "s/../.." looks harmless on paper, but if s is itself a
// symlink to a shallower place the kernel climbs from there. With ".."
// allowed only up front, every climb starts from the link's own directory,
// which is a real directory (Extract never creates anything below a
// symlink), so no chain of links can lead out.
func symlinkTargetProblem(rel, target string, allowAbsolute bool) string {
	if target == "" {
		return "empty symlink target"
	}
	if strings.HasPrefix(target, "/") {
		if allowAbsolute {
			return ""
		}
		return "absolute symlink target"
	}

	ups, descended := 0, false
	for _, p := range strings.Split(target, "/") {
		switch p {
		case "", ".":
		case "..":
			if descended {
				return `symlink target has ".." after a name`
			}
			ups++
		default:
			descended = true
		}
	}
	if ups > strings.Count(rel, "/") {
		return "symlink target points outside the destination"
	}
	return ""
}

// isSparse tells GNU sparse entries, old and PAX style, apart.
func isSparse(hdr *tar.Header) bool {
	if hdr.Typeflag == tar.TypeGNUSparse {
		return true
	}
	for key := range hdr.PAXRecords {
		if strings.HasPrefix(key, "GNU.sparse.") {
			return true
		}
	}
	return false
}
