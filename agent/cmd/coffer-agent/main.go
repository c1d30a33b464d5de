// Command coffer-agent runs on every container host: it dials out to the
// Coffer control plane and serves its commands.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/rs/zerolog"
)

// defaultMemoryLimit is the agent's soft memory limit unless GOMEMLIMIT
// sets one. A backup's live memory is a few part buffers and the zstd
// window; without a limit the garbage collector lets the heap grow to twice
// that before it collects, which a small host feels.
const defaultMemoryLimit = 40 << 20

// logTimeFormat stamps log lines to the millisecond, to match the control
// plane's, whose lines they are read beside.
const logTimeFormat = "2006-01-02T15:04:05.000Z07:00"

func main() {
	zerolog.TimeFieldFormat = logTimeFormat
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := newRootCommand().ExecuteContext(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "coffer-agent:", err)
		os.Exit(1)
	}
}
