//go:build !linux

package main

import "syscall"

// childAttr has nothing to add where the parent's death cannot be tied to
// the child's.
func childAttr() *syscall.SysProcAttr { return nil }

// raiseFileLimit leaves the limit alone: the benchmark targets Linux hosts.
func raiseFileLimit() (uint64, error) { return 0, nil }

// loadAverage is unknown here.
func loadAverage() float64 { return 0 }
