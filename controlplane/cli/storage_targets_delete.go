package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/cofferhq/coffer/controlplane/client"
)

func newStorageTargetsDeleteCommand(opts *options) *cobra.Command {
	return &cobra.Command{
		Use:     "delete ID|NAME",
		Aliases: []string{"rm"},
		Short:   "Delete a storage target",
		Long: `Deletes a storage target, found by its id or its name. The control plane
refuses while backups are stored in it or a project uses it as its
default. Nothing in the bucket or directory is deleted.`,
		Example: "  coffer storage-targets delete b2",
		Args:    cobra.ExactArgs(1),
		RunE: opts.withClient(func(cmd *cobra.Command, c *client.Client, args []string) error {
			if err := c.DeleteTarget(cmd.Context(), args[0]); err != nil {
				return err
			}
			// A delete has no body to print as JSON; the exit status is
			// the answer.
			if !opts.jsonOutput() {
				fmt.Fprintf(cmd.OutOrStdout(), "deleted storage target %s\n", cell(args[0]))
			}
			return nil
		}),
	}
}
