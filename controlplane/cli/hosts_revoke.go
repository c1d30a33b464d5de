package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/cofferhq/coffer/controlplane/client"
)

func newHostsRevokeCommand(opts *options) *cobra.Command {
	return &cobra.Command{
		Use:   "revoke ID",
		Short: "Revoke a host's key and disconnect its agent",
		Long: `Revokes a host: the control plane refuses its agent's key from now on and
cuts its live session at once. Use it when a host is retired or its key
may have leaked. The host disappears from 'coffer hosts list'; to bring
the machine back, enroll its agent again with a new token after removing
its state directory.`,
		Example: "  coffer hosts revoke 01JB7Q3Y2K8N4V6W9X0Z1A2B3C",
		Args:    cobra.ExactArgs(1),
		RunE: opts.withClient(func(cmd *cobra.Command, c *client.Client, args []string) error {
			if err := c.RevokeHost(cmd.Context(), args[0]); err != nil {
				return err
			}
			// Like a delete, a revoke has no body to print as JSON.
			if !opts.jsonOutput() {
				fmt.Fprintf(cmd.OutOrStdout(), "revoked host %s\n", cell(args[0]))
			}
			return nil
		}),
	}
}
