//go:build linux

package main

import (
	"os"
	"syscall"
)

// childAttr makes the kernel stop a long-running child (the control plane,
// the agent) when the benchmark dies without cleaning up, so that none is
// left behind on a loopback port.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}

// dropPageCache writes dirty pages out and drops the clean ones. It needs
// root; without it the benchmark goes on with the cache as it is.
func dropPageCache() error {
	syscall.Sync()
	return os.WriteFile("/proc/sys/vm/drop_caches", []byte("1"), 0o200)
}
