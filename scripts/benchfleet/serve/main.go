// Command serve runs the control plane for the fleet benchmark when no
// coffer binary can be found or built. It accepts the `coffer serve`
// arguments the benchmark passes, and can also serve pprof on a second
// loopback listener, which `coffer serve` does not offer, so that the
// benchmark can take heap and goroutine profiles of the control plane.
package main

import (
	"context"
	"errors"
	"expvar"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"github.com/rs/zerolog"

	"github.com/cofferhq/coffer/controlplane/server"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "serve:", err)
		os.Exit(1)
	}
}

type options struct {
	listen, dataDir, publicURL, pprofAddr string
	memProfileRate                        int
}

func parseFlags(args []string) (options, error) {
	if len(args) > 0 && args[0] == "serve" {
		args = args[1:]
	}
	var o options
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.StringVar(&o.listen, "listen", "127.0.0.1:8080", "address to listen on")
	fs.StringVar(&o.dataDir, "data-dir", "", "data directory (required)")
	fs.StringVar(&o.publicURL, "public-url", "", "URL agents use to reach this control plane")
	fs.StringVar(&o.pprofAddr, "pprof", "", "serve net/http/pprof on this address")
	fs.IntVar(&o.memProfileRate, "memprofilerate", 0,
		"record one heap sample per this many bytes (0: the runtime's default)")
	if err := fs.Parse(args); err != nil {
		return o, fmt.Errorf("parse flags: %w", err)
	}
	if o.dataDir == "" {
		return o, errors.New("parse flags: --data-dir is required")
	}
	return o, nil
}

func run(args []string) error {
	o, err := parseFlags(args)
	if err != nil {
		return err
	}
	if o.memProfileRate > 0 {
		// Set before the control plane allocates, so its profile is exact.
		runtime.MemProfileRate = o.memProfileRate
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()

	if o.pprofAddr != "" {
		srv, err := startPprof(o.pprofAddr)
		if err != nil {
			return err
		}
		defer srv.Close()
	}

	log := zerolog.New(os.Stderr).With().Timestamp().Logger()
	return server.Run(ctx, server.Config{
		Listen:     o.listen,
		DataDir:    o.dataDir,
		PublicURL:  o.publicURL,
		AdminToken: os.Getenv("COFFER_ADMIN_TOKEN"),
		Logger:     log,
	}, nil)
}

// startPprof serves the profiling handlers apart from the control plane's
// own listener, whose routes the benchmark must not change.
func startPprof(addr string) (*http.Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen for pprof on %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	// expvar carries the runtime's MemStats, which tell live objects
	// (HeapAlloc) apart from the spans that hold them (HeapInuse).
	mux.Handle("/debug/vars", expvar.Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return srv, nil
}
