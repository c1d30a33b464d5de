package cli

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/cofferhq/coffer/controlplane/server"
)

const defaultListen = "127.0.0.1:8470"

type serveOptions struct {
	listen      string
	databaseURL string
	publicURL   string
	backupLease time.Duration
}

func newServeCommand(opts *options) *cobra.Command {
	so := &serveOptions{}
	cmd := &cobra.Command{ //nolint:gosec // G101: the Example's password is a placeholder
		Use:   "serve",
		Short: "Run the control plane",
		Long: `Runs the control plane: the REST API, the endpoint agents connect to,
/metrics, /healthz and /readyz, all on one listener, until SIGINT or SIGTERM.

State lives in --data-dir, created (mode 0700) when missing: the embedded
SQLite database, unless --database-url names a PostgreSQL one, and the
bootstrap admin token. On first start a random admin token is written to
<data-dir>/admin.token (mode 0600); set $COFFER_ADMIN_TOKEN to choose it
instead. Passwords in --database-url are better passed as
$COFFER_DATABASE_URL, which stays out of ps.

/metrics is open unless $COFFER_METRICS_TOKEN is set; it then asks for
'Authorization: Bearer <that token>', a credential good for nothing else.`,
		Example: `  coffer serve
  coffer serve --listen 0.0.0.0:8470 --public-url https://coffer.example.com
  COFFER_DATABASE_URL=postgres://coffer:secret@db/coffer coffer serve`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return serve(cmd, opts, so) },
	}

	f := cmd.Flags()
	f.StringVar(&so.listen, "listen", env("COFFER_LISTEN", defaultListen),
		"address to listen on ($COFFER_LISTEN)")
	// Not defaulted from the environment: --help would print the password.
	f.StringVar(&so.databaseURL, "database-url", "",
		"postgres:// URL; empty means SQLite in the data directory ($COFFER_DATABASE_URL)")
	f.StringVar(&so.publicURL, "public-url", env("COFFER_PUBLIC_URL", ""),
		"URL agents and clients reach this server at (default http://<listen>) "+
			"($COFFER_PUBLIC_URL)")
	f.DurationVar(&so.backupLease, "backup-lease", 0,
		"how long a running backup survives a silent control plane or agent before it "+
			"is failed (default 2m) ($COFFER_BACKUP_LEASE)")
	return cmd
}

func serve(cmd *cobra.Command, opts *options, so *serveOptions) error {
	log, err := newLogger(opts.logLevel, opts.logFormat, cmd.ErrOrStderr())
	if err != nil {
		return err
	}
	if err := so.leaseFromEnv(cmd); err != nil {
		return err
	}
	if err := os.MkdirAll(opts.dataDir, 0o700); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}

	cfg := server.Config{
		Listen:      so.listen,
		DataDir:     opts.dataDir,
		DatabaseURL: so.databaseURL,
		PublicURL:   so.publicURL,
		AdminToken:  os.Getenv("COFFER_ADMIN_TOKEN"),
		// Only from the environment, like the admin token: a flag would
		// show it in ps.
		MetricsToken: os.Getenv("COFFER_METRICS_TOKEN"),
		BackupLease:  so.backupLease,
		Logger:       log,
	}
	if cfg.DatabaseURL == "" {
		cfg.DatabaseURL = os.Getenv("COFFER_DATABASE_URL")
	}
	if cfg.PublicURL == "" {
		cfg.PublicURL = "http://" + so.listen
	}
	return server.Run(cmd.Context(), cfg, nil)
}

// leaseFromEnv applies $COFFER_BACKUP_LEASE when the flag was not given.
func (so *serveOptions) leaseFromEnv(cmd *cobra.Command) error {
	v := os.Getenv("COFFER_BACKUP_LEASE")
	if v == "" || cmd.Flags().Changed("backup-lease") {
		return nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return fmt.Errorf("COFFER_BACKUP_LEASE=%q: want a positive duration such as 2m", v)
	}
	so.backupLease = d
	return nil
}
