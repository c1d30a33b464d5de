package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"github.com/spf13/cobra"

	"github.com/cofferhq/coffer/agent/backup"
	"github.com/cofferhq/coffer/agent/facts"
	"github.com/cofferhq/coffer/agent/inventory"
	"github.com/cofferhq/coffer/agent/journal"
	"github.com/cofferhq/coffer/agent/tunnel"
	"github.com/cofferhq/coffer/protocol"
)

func newRunCommand(opts *options) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Connect to the control plane and serve it until stopped",
		Long: "Connects to the control plane and keeps reconnecting until SIGTERM or SIGINT.\n" +
			"Enrolls first when the state directory holds no identity and a token is given.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return run(cmd, opts) },
	}
	addRuntimeFlags(cmd, opts)
	return cmd
}

func run(cmd *cobra.Command, opts *options) error {
	log, err := newLogger(opts.logLevel, opts.logFormat, os.Stderr)
	if err != nil {
		return err
	}
	id, err := loadOrEnroll(cmd, opts)
	if err != nil {
		return err
	}
	log = log.With().Str("host", id.HostID).Logger()
	ctx := cmd.Context()

	jr, srv, err := startBackups(ctx, opts, log)
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	pub := &inventory.Publisher{Runtime: opts.runtimeConfig(), Logger: log}
	client := tunnel.New(tunnel.Config{
		Identity:   id,
		Logger:     log,
		Facts:      facts.Gather,
		HTTPClient: &http.Client{Timeout: 0},
		OnSession: func(ctx context.Context, s *tunnel.Session) {
			publishInventory(ctx, s, pub)
		},
		Handlers:     backupHandlers(srv),
		RunningJobs:  srv.RunningJobs,
		Capabilities: []string{protocol.CapBackup},
	})

	log.Info().Str("version", protocol.AgentVersion).Str("server", id.ServerURL).
		Msg("agent starting")
	wg.Go(func() { keepRecovering(ctx, jr, opts.runtimeConfig(), log) })
	err = client.Run(ctx)
	releaseHeld(srv, log)
	log.Info().Msg("agent stopped")
	return err
}

// releaseHeld resumes or starts the containers kept held for a next
// volume that will not come now. What fails is left in the journal for
// the next start to recover.
func releaseHeld(srv *backup.Server, log zerolog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), firstRecoveryTimeout)
	defer cancel()
	if err := srv.Close(ctx); err != nil {
		log.Error().Err(err).Msg("release of containers held between volumes failed")
	}
}

func backupHandlers(srv *backup.Server) map[protocol.Op]tunnel.Handler {
	return map[protocol.Op]tunnel.Handler{
		protocol.OpMeasure:       srv.Measure,
		protocol.OpBackupItem:    srv.BackupItem,
		protocol.OpRestoreItem:   srv.RestoreItem,
		protocol.OpPutObject:     srv.PutObject,
		protocol.OpDeleteObjects: srv.DeleteObjects,
	}
}

// startBackups opens the journal, resumes or starts the containers a
// previous run left paused or stopped, and makes the server of backup and
// restore items.
func startBackups(ctx context.Context, opts *options,
	log zerolog.Logger) (*journal.Journal, *backup.Server, error) {
	jr, err := journal.Open(filepath.Join(opts.stateDir, "journal"))
	if err != nil {
		return nil, nil, err
	}
	rctx, cancel := context.WithTimeout(ctx, firstRecoveryTimeout)
	err = recoverContainers(rctx, jr, opts.runtimeConfig(), log)
	cancel()
	if err != nil {
		log.Error().Err(err).Msg("container recovery failed; retrying in the background")
	}

	spool, err := prepareSpool(filepath.Join(opts.stateDir, "spool"))
	if err != nil {
		return nil, nil, err
	}
	srv, err := backup.New(backup.Config{
		Runtime:  opts.runtimeConfig(),
		Journal:  jr,
		Logger:   log,
		SpoolDir: spool,
	})
	if err != nil {
		return nil, nil, err
	}
	return jr, srv, nil
}

// prepareSpool makes the directory for upload parts. Parts go through
// files rather than memory: a volume that needs large parts to fit in its
// provider's part limit then costs no more memory than a small one, and on
// the benchmark the stream was faster too, the page cache doing the
// buffering. The files are unlinked as soon as they are created; one left
// by an agent that died in between is removed here.
func prepareSpool(dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("create spool directory: %w", err)
	}
	stale, err := filepath.Glob(filepath.Join(dir, ".coffer-part-*"))
	if err != nil {
		return "", fmt.Errorf("list spool directory: %w", err)
	}
	for _, name := range stale {
		if err := os.Remove(name); err != nil {
			return "", fmt.Errorf("clear spool directory: %w", err)
		}
	}
	return dir, nil
}

// publishInventory sends the inventory over one session until it ends.
// Each message is its own short call, acknowledged before the next is sent:
// order is kept, and no stream sits open per idle agent on the control
// plane.
func publishInventory(ctx context.Context, s *tunnel.Session, pub *inventory.Publisher) {
	start := time.Now()
	err := pub.Run(ctx, func(inv protocol.Inventory) error {
		return s.Call(ctx, protocol.OpInventory, inv, nil)
	})
	if err != nil && ctx.Err() == nil {
		pub.Logger.Debug().Err(err).Dur("after", time.Since(start)).
			Msg("inventory publishing ended")
	}
}
