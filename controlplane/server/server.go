// Package server assembles the control plane: store, agent hub and API,
// behind one HTTP listener, and shuts them down in order.
package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/rs/zerolog"

	"github.com/cofferhq/coffer/controlplane/api"
	"github.com/cofferhq/coffer/controlplane/backup"
	"github.com/cofferhq/coffer/controlplane/hub"
	"github.com/cofferhq/coffer/controlplane/secrets"
	"github.com/cofferhq/coffer/controlplane/store"
)

// Config is the control plane's configuration.
type Config struct {
	Listen      string
	DataDir     string
	DatabaseURL string
	PublicURL   string
	// AdminToken, when set, is the bootstrap admin token instead of one
	// generated into the data directory.
	AdminToken string
	// BackupLease is how long a running backup survives silence; zero
	// means the runner's default.
	BackupLease time.Duration
	// MetricsToken, when set, is required to read /metrics.
	MetricsToken string
	Logger       zerolog.Logger
}

// shutdownGrace bounds how long a stop waits for requests and sessions.
const shutdownGrace = 10 * time.Second

// Run serves until ctx ends, then shuts down. ready, when not nil, is called
// with the bound address once the listener accepts connections.
func Run(ctx context.Context, cfg Config, ready func(addr net.Addr)) error {
	st, err := store.Open(ctx, cfg.DatabaseURL, cfg.DataDir)
	if err != nil {
		return err
	}
	defer st.Close()

	key, err := prepare(ctx, st, cfg)
	if err != nil {
		return err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(
		collectors.ProcessCollectorOpts{}))
	h := hub.New(hub.Config{Store: st, Logger: cfg.Logger, Registry: reg})
	runner := backup.New(backup.Config{Store: st, Agents: h, Key: key, Logger: cfg.Logger,
		Registry: reg, Lease: cfg.BackupLease})

	ln, err := listen(ctx, cfg, runner)
	if err != nil {
		_ = runner.Close(ctx)
		_ = h.Close(ctx)
		return err
	}
	if cfg.PublicURL == "" {
		cfg.PublicURL = "http://" + ln.Addr().String()
	}
	a := api.New(api.Config{Store: st, Hub: h, Logger: cfg.Logger, Registry: reg,
		PublicURL: cfg.PublicURL, Secrets: key, Backups: runner,
		MetricsToken: cfg.MetricsToken})
	return serve(ctx, cfg, ln, a, runner, h, ready)
}

// prepare readies the store for this process and loads the master key.
func prepare(ctx context.Context, st *store.Store, cfg Config) (secrets.Key, error) {
	// One replica owns every session it had; after a restart none are live.
	if err := st.MarkAllHostsOffline(ctx); err != nil {
		return secrets.Key{}, err
	}
	if err := ensureAdminToken(ctx, st, cfg, cfg.Logger); err != nil {
		return secrets.Key{}, err
	}
	key, err := secrets.LoadKey(cfg.DataDir)
	if err != nil {
		return secrets.Key{}, fmt.Errorf("load master key: %w", err)
	}
	return key, nil
}

// listen ends what a previous run left unfinished, then binds the listener,
// so no request can start work before that.
func listen(ctx context.Context, cfg Config, runner *backup.Runner) (net.Listener, error) {
	if err := runner.FailOrphanedRestores(ctx); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", cfg.Listen, err)
	}
	return ln, nil
}

// serve runs the HTTP server and the runner's reaper until ctx ends.
func serve(ctx context.Context, cfg Config, ln net.Listener, handler http.Handler,
	runner *backup.Runner, h *hub.Hub, ready func(addr net.Addr)) error {
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	// Event streams run until their backup ends; they must not hold up a
	// shutdown that waits for requests to finish.
	srv.RegisterOnShutdown(runner.Events().Close)
	go runner.Run(ctx)
	cfg.Logger.Info().Str("listen", ln.Addr().String()).Str("publicUrl", cfg.PublicURL).
		Msg("control plane serving")
	if ready != nil {
		ready(ln.Addr())
	}

	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	var err error
	select {
	case err = <-serveErr:
	case <-ctx.Done():
	}
	return shutdown(srv, runner, h, cfg.Logger, err)
}

// shutdown stops taking requests, fails the backups and restores still
// running (they need the agent sessions to say so cleanly), ends agent
// sessions (which the HTTP server does not track once upgraded), and waits
// a bounded time for all of them.
func shutdown(srv *http.Server, runner *backup.Runner, h *hub.Hub, log zerolog.Logger,
	serveErr error) error {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	log.Info().Msg("control plane stopping")

	httpErr := srv.Shutdown(ctx)
	runnerErr := runner.Close(ctx)
	hubErr := h.Close(ctx)
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return fmt.Errorf("serve http: %w", serveErr)
	}
	if err := errors.Join(httpErr, runnerErr, hubErr); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	log.Info().Msg("control plane stopped")
	return nil
}
