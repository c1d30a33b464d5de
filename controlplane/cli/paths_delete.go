package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/cofferhq/coffer/controlplane/client"
)

func newPathsDeleteCommand(opts *options) *cobra.Command {
	var project string
	cmd := &cobra.Command{
		Use:     "delete --project P ID",
		Aliases: []string{"rm"},
		Short:   "Detach a path from a project",
		Long: `Detaches a path, by the id 'coffer paths list' shows, from a project.
Later backups leave it out; backups already taken keep it, and nothing
on the host is touched.`,
		Example: "  coffer paths delete --project web 01JB7R0M5T2H8C4D6F8G0J2K4M",
		Args:    cobra.ExactArgs(1),
		RunE: opts.withClient(func(cmd *cobra.Command, c *client.Client, args []string) error {
			if err := c.DeletePath(cmd.Context(), project, args[0]); err != nil {
				return err
			}
			// A delete has no body to print as JSON.
			if !opts.jsonOutput() {
				fmt.Fprintf(cmd.OutOrStdout(), "deleted path %s\n", cell(args[0]))
			}
			return nil
		}),
	}
	projectFlag(cmd, &project)
	return cmd
}
