//go:build !linux

package main

import "syscall"

// childAttr sets nothing: only Linux stops children when their parent dies.
func childAttr() *syscall.SysProcAttr { return nil }
