package cli

import (
	"github.com/spf13/cobra"

	"github.com/cofferhq/coffer/controlplane/client"
)

func newStorageTargetsShowCommand(opts *options) *cobra.Command {
	return &cobra.Command{
		Use:     "show ID|NAME",
		Aliases: []string{"get"},
		Short:   "Show one storage target",
		Long:    "Shows a storage target, found by its id or its name.",
		Example: `  coffer storage-targets show b2
  coffer storage-targets show b2 -o json`,
		Args: cobra.ExactArgs(1),
		RunE: opts.withClient(func(cmd *cobra.Command, c *client.Client, args []string) error {
			tg, err := c.GetTarget(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if opts.jsonOutput() {
				return printJSON(cmd.OutOrStdout(), tg)
			}
			return printTarget(cmd.OutOrStdout(), tg, opts.now())
		}),
	}
}
