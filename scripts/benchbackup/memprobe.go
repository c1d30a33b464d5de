package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
)

// memProbe reads the peak resident set size of a process: VmHWM in
// /proc/<pid>/status. A nil probe reads zero.
type memProbe struct {
	pid int
	// sinceStart is set when the peak cannot be reset: each reading is
	// then the peak since the process started.
	sinceStart bool
}

// reset makes the peak the current RSS, so that the next reading covers
// only what happens in between. Writing 5 to clear_refs does that (Linux
// 4.0 and later); where it is refused, readings stay lifetime peaks.
func (m *memProbe) reset() {
	if m == nil || m.sinceStart {
		return
	}
	path := fmt.Sprintf("/proc/%d/clear_refs", m.pid)
	if err := os.WriteFile(path, []byte("5"), 0); err != nil {
		progress("cannot reset the peak RSS of process %d, so each reading is "+
			"its peak since it started: %v", m.pid, err)
		m.sinceStart = true
	}
}

// peak returns VmHWM in bytes.
func (m *memProbe) peak() (int64, error) {
	if m == nil {
		return 0, nil
	}
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", m.pid))
	if err != nil {
		return 0, fmt.Errorf("read peak RSS: %w", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		rest, ok := bytes.CutPrefix(sc.Bytes(), []byte("VmHWM:"))
		if !ok {
			continue
		}
		kb, err := strconv.ParseInt(string(bytes.TrimSuffix(
			bytes.TrimSpace(rest), []byte(" kB"))), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("read peak RSS: parse %q: %w", rest, err)
		}
		return kb << 10, nil
	}
	return 0, errors.New("read peak RSS: no VmHWM line in /proc/<pid>/status")
}
