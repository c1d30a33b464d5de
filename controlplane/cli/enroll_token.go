package cli

import (
	"github.com/spf13/cobra"
)

func newEnrollTokenCommand(opts *options) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "enroll-token",
		Aliases: []string{"enroll-tokens"},
		Short:   "Create one-time tokens that let agents enroll",
		Long: `An enrollment token lets one coffer-agent register its host with the
control plane. It works once and expires; the control plane keeps only its
hash, so a lost token cannot be shown again; create a new one instead.`,
		Args: cobra.ArbitraryArgs,
		RunE: groupRunE,
	}
	cmd.AddCommand(newEnrollTokenCreateCommand(opts))
	return cmd
}
