package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/cofferhq/coffer/controlplane/client"
)

func newProjectsDeleteCommand(opts *options) *cobra.Command {
	return &cobra.Command{
		Use:     "delete ID|NAME",
		Aliases: []string{"rm"},
		Short:   "Delete a project",
		Long: `Deletes a project, found by its id or its name. The containers that
belonged to it are not touched.`,
		Example: "  coffer projects delete web",
		Args:    cobra.ExactArgs(1),
		RunE: opts.withClient(func(cmd *cobra.Command, c *client.Client, args []string) error {
			if err := c.DeleteProject(cmd.Context(), args[0]); err != nil {
				return err
			}
			// The API answers a delete with no body, so -o json prints
			// nothing; the exit status is the answer.
			if !opts.jsonOutput() {
				fmt.Fprintf(cmd.OutOrStdout(), "deleted project %s\n", cell(args[0]))
			}
			return nil
		}),
	}
}
