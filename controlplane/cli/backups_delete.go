package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/cofferhq/coffer/controlplane/client"
)

func newBackupsDeleteCommand(opts *options) *cobra.Command {
	return &cobra.Command{
		Use:     "delete ID",
		Aliases: []string{"rm"},
		Short:   "Delete a backup and its stored objects",
		Long: `Deletes a finished backup's objects from its storage target, then its
record. If the storage refuses, the backup is kept with the reason as its
error, and the delete can be run again.`,
		Example: `  coffer backups delete 01jb7q3y2k8n4v6w9x0z1a2b3c`,
		Args:    cobra.ExactArgs(1),
		RunE: opts.withClient(func(cmd *cobra.Command, c *client.Client, args []string) error {
			if err := c.DeleteBackup(cmd.Context(), args[0]); err != nil {
				return err
			}
			if opts.jsonOutput() {
				return printJSON(cmd.OutOrStdout(), map[string]string{"deleted": args[0]})
			}
			_, err := fmt.Fprintf(cmd.OutOrStdout(), "Deleted backup %s.\n", args[0])
			return err
		}),
	}
}
