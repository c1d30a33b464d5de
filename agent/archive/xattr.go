package archive

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strings"

	"golang.org/x/sys/unix"
)

// paxXattrPrefix is the PAX record prefix GNU tar and star use for xattrs.
const paxXattrPrefix = "SCHILY.xattr."

// keptXattr tells which attributes travel with a file. security.selinux and
// the POSIX ACL attributes stay behind: labels are the target host's business,
// and ACLs would need GNU tar's separate --acls records to restore by hand.
func keptXattr(name string) bool {
	return strings.HasPrefix(name, "user.") ||
		strings.HasPrefix(name, "trusted.") ||
		name == "security.capability"
}

// readXattrs returns the kept attributes of an open file as PAX records.
// Attributes the kernel refuses to list or read (trusted.* without
// CAP_SYS_ADMIN, filesystems without xattrs) are left out.
func readXattrs(fd int) (map[string]string, error) {
	names, err := listXattrs(fd)
	if err != nil {
		return nil, err
	}

	var recs map[string]string
	for _, name := range names {
		if !keptXattr(name) {
			continue
		}
		val, err := getXattr(fd, name)
		if errors.Is(err, unix.ENODATA) || errors.Is(err, unix.EPERM) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read xattr %s: %w", name, err)
		}
		if recs == nil {
			recs = make(map[string]string)
		}
		recs[paxXattrPrefix+name] = string(val)
	}
	return recs, nil
}

func listXattrs(fd int) ([]string, error) {
	for {
		size, err := unix.Flistxattr(fd, nil)
		if errors.Is(err, unix.ENOTSUP) {
			return nil, nil
		}
		if err != nil || size == 0 {
			return nil, err
		}

		buf := make([]byte, size)
		n, err := unix.Flistxattr(fd, buf)
		if errors.Is(err, unix.ERANGE) {
			continue // grew between the two calls
		}
		if err != nil {
			return nil, err
		}
		var names []string
		for _, b := range bytes.Split(buf[:n], []byte{0}) {
			if len(b) > 0 {
				names = append(names, string(b))
			}
		}
		return names, nil
	}
}

func getXattr(fd int, name string) ([]byte, error) {
	for {
		size, err := unix.Fgetxattr(fd, name, nil)
		if err != nil {
			return nil, err
		}
		buf := make([]byte, size)
		n, err := unix.Fgetxattr(fd, name, buf)
		if errors.Is(err, unix.ERANGE) {
			continue
		}
		if err != nil {
			return nil, err
		}
		return buf[:n], nil
	}
}

// xattrRecords returns the kept attributes named in PAX records, sorted so
// that restores happen in a stable order.
func xattrRecords(recs map[string]string) []string {
	var names []string
	for key := range recs {
		name, ok := strings.CutPrefix(key, paxXattrPrefix)
		if ok && keptXattr(name) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}
