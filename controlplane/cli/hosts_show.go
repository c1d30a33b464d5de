package cli

import (
	"github.com/spf13/cobra"

	"github.com/cofferhq/coffer/controlplane/client"
)

func newHostsShowCommand(opts *options) *cobra.Command {
	return &cobra.Command{
		Use:     "show ID",
		Aliases: []string{"get"},
		Short:   "Show one host",
		Long:    "Shows a host and the facts its agent reported (OS, architecture, versions).",
		Example: `  coffer hosts show 01JB7Q3Y2K8N4V6W9X0Z1A2B3C
  coffer hosts show 01JB7Q3Y2K8N4V6W9X0Z1A2B3C -o json | jq .facts`,
		Args: cobra.ExactArgs(1),
		RunE: opts.withClient(func(cmd *cobra.Command, c *client.Client, args []string) error {
			h, err := c.GetHost(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if opts.jsonOutput() {
				return printJSON(cmd.OutOrStdout(), h)
			}
			return printHost(cmd.OutOrStdout(), h, opts.now())
		}),
	}
}
