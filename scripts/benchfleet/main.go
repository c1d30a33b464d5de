// Command benchfleet measures how one control plane carries a fleet. It
// enrolls and connects many simulated agents, each running the real tunnel
// client with its handshake, to a control plane on loopback, then reports
// the control plane's memory per idle agent and how long a no-op command
// takes to reach every agent and come back.
//
// The control plane runs in a separate process, so its metrics describe
// the control plane alone and not the simulated agents. The benchmark
// reports against its targets but fails only when a ping fails.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"syscall"
	"time"
)

// Settling times before memory is read: the runtime's background work
// (sweeping, the scavenger) and the agents' first streams need a moment.
// After connecting, -idle sets it.
const (
	settleBefore = time.Second
	settleAfter  = 2 * time.Second
)

type options struct {
	agents     int
	rounds     int
	server     string
	dataDir    string
	coffer     string
	inventory  bool
	profileDir string
	idle       time.Duration
}

func parseFlags() (options, error) {
	var o options
	flag.IntVar(&o.agents, "agents", 1000, "simulated agents to connect")
	flag.IntVar(&o.rounds, "rounds", 5, "fleet-wide ping rounds")
	flag.StringVar(&o.server, "server", "",
		"URL of a running control plane; empty starts one on loopback")
	flag.StringVar(&o.dataDir, "data-dir", "", "control plane data directory: "+
		"where -server keeps admin.token, or the one to start with (default: temporary)")
	flag.StringVar(&o.coffer, "coffer", "",
		"control plane binary to start (default: bin/coffer, else built from source)")
	flag.BoolVar(&o.inventory, "inventory", true,
		"hold the inventory stream open on every agent, as coffer-agent does")
	flag.StringVar(&o.profileDir, "profile", "", "write the control plane's heap and "+
		"goroutine profiles here; runs the benchmark's own wrapper, which serves pprof")
	flag.DurationVar(&o.idle, "idle", settleAfter, "how long the connected fleet idles "+
		"before memory is read; past 2m the runtime's periodic collection has run, so "+
		"garbage from connecting no longer counts")
	flag.Parse()

	if o.agents < 1 || o.rounds < 1 || o.idle < 0 {
		return o, errors.New("parse flags: -agents and -rounds must be at least 1, " +
			"-idle not negative")
	}
	if o.profileDir != "" && o.server != "" {
		return o, errors.New("parse flags: -profile needs the control plane it starts, " +
			"not -server")
	}
	return o, nil
}

func main() {
	opts, err := parseFlags()
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchfleet:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, opts)
	stop()
	os.Exit(code)
}

// run returns the exit code: 0 when every ping succeeded, 1 when one
// failed, 2 when the benchmark could not run.
func run(ctx context.Context, opts options) int {
	res, err := bench(ctx, opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchfleet:", err)
		return 2
	}
	res.print(os.Stdout)
	if err := res.printJSON(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "benchfleet:", err)
		return 2
	}
	if res.PingFailed > 0 {
		return 1
	}
	return 0
}

func bench(ctx context.Context, opts options) (*result, error) {
	limit, err := raiseFileLimit()
	if err != nil {
		return nil, err
	}
	// Each agent holds one socket here; 256 more cover the API and the rest.
	if limit != 0 && float64(limit) < float64(opts.agents+256) {
		progress("open file limit %d may be too low for %d agents", limit, opts.agents)
	}

	work, err := os.MkdirTemp("", "coffer-benchfleet-")
	if err != nil {
		return nil, fmt.Errorf("create work dir: %w", err)
	}
	defer os.RemoveAll(work)

	progress("starting control plane")
	cp, err := openControlPlane(ctx, opts, work)
	if err != nil {
		return nil, err
	}
	defer cp.stop()
	progress("control plane %s at %s", cp.name, cp.url)

	api := newAPIClient(cp.url, cp.adminToken)
	res, err := runFleet(ctx, opts, cp, api, work)
	if err != nil && cp.proc != nil && ctx.Err() == nil {
		// The log is about to be removed with the work dir.
		progress("control plane log, last lines:\n%s", cp.logTail())
	}
	return res, err
}

// runFleet enrolls, measures, connects, measures again and pings.
func runFleet(ctx context.Context, opts options, cp *controlPlane, api *apiClient,
	work string) (*result, error) {
	res := &result{Agents: opts.agents, ControlPlane: cp.name, Inventory: opts.inventory,
		ForcedGC: cp.pprofURL != ""}

	progress("enrolling %d agents", opts.agents)
	ids, err := enrollFleet(ctx, api, opts.agents, filepath.Join(work, "agents"))
	if err != nil {
		return nil, err
	}
	if res.Before, err = snapshot(ctx, api, cp, opts, settleBefore, "before"); err != nil {
		return nil, err
	}

	progress("connecting %d agents", opts.agents)
	start := time.Now()
	f := startFleet(ctx, ids, opts.inventory)
	defer stopFleet(f)
	// A control plane given by -server may already carry agents of its own.
	want := int(res.Before.Connected) + opts.agents
	if err := waitConnected(ctx, api, want, connectTimeout(opts.agents)); err != nil {
		return nil, err
	}
	res.ConnectSeconds = time.Since(start).Seconds()
	res.IdleSeconds = opts.idle.Seconds()
	if opts.idle > settleAfter {
		progress("idling %s", opts.idle)
	}
	if res.After, err = snapshot(ctx, api, cp, opts, opts.idle, "after"); err != nil {
		return nil, err
	}

	progress("pinging the fleet %d times", opts.rounds)
	res.CPUs, res.LoadAverage = runtime.NumCPU(), loadAverage()
	if res.Rounds, err = pingRounds(ctx, api, opts.rounds); err != nil {
		return nil, err
	}
	res.summarize()
	return res, nil
}

// snapshot measures the control plane and, when asked, saves its profiles.
func snapshot(ctx context.Context, api *apiClient, cp *controlPlane, opts options,
	settle time.Duration, phase string) (sample, error) {
	s, err := measure(ctx, api, cp, settle)
	if err != nil || opts.profileDir == "" {
		return s, err
	}
	return s, saveProfiles(ctx, api, cp, opts.profileDir, phase, phase == "after")
}

// connectTimeout allows for a slow machine: a minute, plus a little per
// agent.
func connectTimeout(agents int) time.Duration {
	return time.Minute + time.Duration(agents)*20*time.Millisecond
}

func stopFleet(f *fleet) {
	progress("disconnecting agents")
	if !f.stop() {
		progress("some agents did not disconnect within %s", fleetStopTimeout)
	}
}

var started = time.Now()

// progress reports on stderr, keeping stdout for the results.
func progress(format string, args ...any) {
	elapsed := time.Since(started).Seconds()
	fmt.Fprintf(os.Stderr, "[%6.1fs] %s\n", elapsed, fmt.Sprintf(format, args...))
}
