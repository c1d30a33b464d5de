package backup

import (
	"strconv"
	"strings"
)

// archiveExt ends the name of every item's object: a tar stream
// compressed with zstd, so that `zstd -d | tar -x` restores it by hand.
const archiveExt = ".tar.zst"

// maxNameLen bounds the readable part of an item's name, leaving room in
// the key for the extension and a suffix that makes it unique.
const maxNameLen = 96

// volumeName names the item of a container's volume after the container
// and where the volume is mounted: "web-var-lib-data".
func volumeName(containerName, containerID, destination string) string {
	owner := containerName
	if owner == "" {
		owner = shortID(containerID)
	}
	return sanitize(owner + "-" + destination)
}

// pathName names the item of a host's configuration path after the host
// and the path: "host-db1-etc-nginx".
func pathName(hostName, path string) string {
	return sanitize("host-" + hostName + "-" + path)
}

// sanitize keeps what is safe in object keys and file names on every
// system: lowercase letters, digits, '.', '_' and '-'. Runs of anything
// else become one '-'. The result never starts with '.' or '-', so that it
// is neither hidden nor taken for an option.
func sanitize(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '_':
			b.WriteRune(r)
			dash = false
		case !dash:
			b.WriteByte('-')
			dash = true
		}
	}

	name := strings.Trim(b.String(), "-.")
	if len(name) > maxNameLen {
		name = strings.TrimRight(name[:maxNameLen], "-.")
	}
	if name == "" {
		return "item"
	}
	return name
}

func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// uniqueNames makes names distinct in order: the second "web-data" becomes
// "web-data-2". A suffixed name that is itself taken moves on to the next
// number.
func uniqueNames(names []string) []string {
	taken := make(map[string]bool, len(names))
	for _, n := range names {
		taken[n] = true
	}

	out := make([]string, len(names))
	used := make(map[string]bool, len(names))
	for i, n := range names {
		name := n
		for k := 2; used[name] || (name != n && taken[name]); k++ {
			name = n + "-" + strconv.Itoa(k)
		}
		used[name] = true
		out[i] = name
	}
	return out
}
