package cli

import (
	"github.com/spf13/cobra"

	"github.com/cofferhq/coffer/controlplane/client"
)

func newStorageTargetsListCommand(opts *options) *cobra.Command {
	return &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List storage targets",
		Long:    "Lists every storage target, ordered by name. Secret keys are never shown.",
		Example: `  coffer storage-targets list
  coffer storage-targets list -o json | jq -r '.[].name'`,
		Args: cobra.NoArgs,
		RunE: opts.withClient(func(cmd *cobra.Command, c *client.Client, _ []string) error {
			ts, err := c.ListTargets(cmd.Context())
			if err != nil {
				return err
			}
			if opts.jsonOutput() {
				return printJSON(cmd.OutOrStdout(), ts)
			}
			return printTargets(cmd.OutOrStdout(), ts, opts.now())
		}),
	}
}
