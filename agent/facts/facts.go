// Package facts gathers what the agent tells the control plane about its
// host.
package facts

import (
	"os"
	goruntime "runtime"
	"strings"

	"github.com/cofferhq/coffer/protocol"
)

// Gather returns the host's facts. Unreadable facts are left out.
func Gather() map[string]string {
	f := map[string]string{
		protocol.FactOS:   goruntime.GOOS,
		protocol.FactArch: goruntime.GOARCH,
	}
	if name, err := os.Hostname(); err == nil {
		f[protocol.FactHostname] = name
	}
	if raw, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		f[protocol.FactKernel] = strings.TrimSpace(string(raw))
	}
	return f
}
