//go:build !linux

package main

import (
	"errors"
	"syscall"
)

// childAttr sets nothing: only Linux stops children when their parent dies.
func childAttr() *syscall.SysProcAttr { return nil }

// dropPageCache is not available outside Linux.
func dropPageCache() error { return errors.ErrUnsupported }
