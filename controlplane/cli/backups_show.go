package cli

import (
	"github.com/spf13/cobra"

	"github.com/cofferhq/coffer/controlplane/client"
)

func newBackupsShowCommand(opts *options) *cobra.Command {
	return &cobra.Command{
		Use:     "show ID",
		Aliases: []string{"get"},
		Short:   "Show one backup and its items",
		Long: `Shows a backup: its status, why it failed if it did, where it is stored,
and each item with its size and status.`,
		Example: `  coffer backups show 01jb7q3y2k8n4v6w9x0z1a2b3c
  coffer backups show 01jb7q3y2k8n4v6w9x0z1a2b3c -o json | jq '.items[].sha256'`,
		Args: cobra.ExactArgs(1),
		RunE: opts.withClient(func(cmd *cobra.Command, c *client.Client, args []string) error {
			b, err := c.GetBackup(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if opts.jsonOutput() {
				return printJSON(cmd.OutOrStdout(), b)
			}
			return printBackup(cmd.OutOrStdout(), b, opts.now())
		}),
	}
}
