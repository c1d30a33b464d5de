package main

import (
	"context"
	"net/http"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/cofferhq/coffer/agent/facts"
	"github.com/cofferhq/coffer/agent/inventory"
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

	pub := &inventory.Publisher{Runtime: opts.runtimeConfig(), Logger: log}
	client := tunnel.New(tunnel.Config{
		Identity:   id,
		Logger:     log,
		Facts:      facts.Gather,
		HTTPClient: &http.Client{Timeout: 0},
		OnSession: func(ctx context.Context, s *tunnel.Session) {
			publishInventory(ctx, s, pub)
		},
	})

	log.Info().Str("version", protocol.AgentVersion).Str("server", id.ServerURL).
		Msg("agent starting")
	err = client.Run(cmd.Context())
	log.Info().Msg("agent stopped")
	return err
}

// publishInventory streams the inventory over one session until it ends.
func publishInventory(ctx context.Context, s *tunnel.Session, pub *inventory.Publisher) {
	st, err := s.Open(protocol.Header{Op: protocol.OpInventory, RequestID: "inventory"})
	if err != nil {
		pub.Logger.Debug().Err(err).Msg("open inventory stream failed")
		return
	}
	defer st.Close()
	context.AfterFunc(ctx, func() { _ = st.Close() })

	start := time.Now()
	err = pub.Run(ctx, func(inv protocol.Inventory) error {
		return st.Send(protocol.TypeEvent, inv)
	})
	if err != nil && ctx.Err() == nil {
		pub.Logger.Debug().Err(err).Dur("after", time.Since(start)).Msg("inventory stream ended")
	}
}
