// Package cli is the coffer command: the control plane's server and the
// command-line client of its REST API, in one binary.
package cli

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"
)

const (
	defaultServer  = "http://127.0.0.1:8470"
	defaultDataDir = "/var/lib/coffer"
)

// options are the flags every subcommand shares. Each has an environment
// variable, so that a systemd unit or a shell profile can set them once.
type options struct {
	server    string
	token     string
	dataDir   string
	output    string
	logLevel  string
	logFormat string
	// now is the clock that ages like "12s ago" are measured against.
	now func() time.Time
}

// NewRootCommand builds the coffer command tree. Flag defaults are read
// from the environment when it is built.
func NewRootCommand() *cobra.Command {
	opts := &options{now: time.Now}
	root := &cobra.Command{
		Use:   "coffer",
		Short: "Back up the volumes and databases of your container hosts",
		Long: `coffer runs Coffer's control plane ('coffer serve') and talks to it.

Every other subcommand is a client of the control plane's REST API at
--server. It authenticates with --token, or $COFFER_TOKEN, or, when neither
is set, the admin token that 'coffer serve' wrote to <data-dir>/admin.token,
so that on the server's own host no setup is needed.

Output is a table for people; '-o json' prints the API's JSON for scripts.`,
		Example: `  coffer serve
  coffer projects create web
  coffer enroll-token create --ttl 2h
  COFFER_SERVER=https://coffer.example.com coffer hosts list -o json`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(*cobra.Command, []string) error {
			return opts.checkOutput()
		},
	}
	addGlobalFlags(root, opts)

	root.AddCommand(
		newServeCommand(opts),
		newProjectsCommand(opts),
		newHostsCommand(opts),
		newEnrollTokenCommand(opts),
		newContainersCommand(opts),
		newBackupsCommand(opts),
		newCatalogCommand(opts),
		newStorageTargetsCommand(opts),
		newPathsCommand(opts),
	)
	return root
}

func addGlobalFlags(root *cobra.Command, opts *options) {
	f := root.PersistentFlags()
	f.StringVar(&opts.server, "server", env("COFFER_SERVER", defaultServer),
		"control plane URL ($COFFER_SERVER)")
	// The token's default is not read from the environment here, so that
	// --help never prints it.
	f.StringVar(&opts.token, "token", "",
		"API token; prefer $COFFER_TOKEN, which stays out of ps "+
			"(default: <data-dir>/admin.token)")
	f.StringVar(&opts.dataDir, "data-dir", env("COFFER_DATA_DIR", defaultDataDir),
		"the control plane's data directory ($COFFER_DATA_DIR)")
	f.StringVarP(&opts.output, "output", "o", env("COFFER_OUTPUT", formatTable),
		"output format: table or json ($COFFER_OUTPUT)")
	f.StringVar(&opts.logLevel, "log-level", env("COFFER_LOG_LEVEL", "info"),
		"debug, info, warn or error ($COFFER_LOG_LEVEL)")
	f.StringVar(&opts.logFormat, "log-format", env("COFFER_LOG_FORMAT", "auto"),
		"json, console, or auto: console on a terminal ($COFFER_LOG_FORMAT)")
}

// groupRunE makes a command that only holds subcommands refuse an unknown
// one, instead of printing help and exiting zero on a typo.
func groupRunE(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return cmd.Help()
	}
	return fmt.Errorf("unknown command %q for %q; see '%s --help'",
		args[0], cmd.CommandPath(), cmd.CommandPath())
}

func env(key, fallback string) string {
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return fallback
}
