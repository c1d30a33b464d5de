//go:build linux

package main

import "syscall"

// childAttr makes the kernel stop a long-running child (the control plane,
// the agent) when the benchmark dies without cleaning up, so that none is
// left behind on a loopback port.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
