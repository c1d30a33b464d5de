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
)

// defaultMemoryLimit is the agent's soft memory limit unless GOMEMLIMIT
// sets one. A backup's live memory is a few part buffers and the zstd
// window; without a limit the garbage collector lets the heap grow to twice
// that before it collects, which a small host feels.
const defaultMemoryLimit = 40 << 20

func main() {
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
