package cli

import (
	"github.com/spf13/cobra"

	"github.com/cofferhq/coffer/controlplane/client"
)

func newProjectsShowCommand(opts *options) *cobra.Command {
	return &cobra.Command{
		Use:     "show ID|NAME",
		Aliases: []string{"get"},
		Short:   "Show one project",
		Long:    "Shows a project, found by its id or its name.",
		Example: `  coffer projects show web
  coffer projects show web -o json`,
		Args: cobra.ExactArgs(1),
		RunE: opts.withClient(func(cmd *cobra.Command, c *client.Client, args []string) error {
			p, err := c.GetProject(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if opts.jsonOutput() {
				return printJSON(cmd.OutOrStdout(), p)
			}
			return printProject(cmd.OutOrStdout(), p, opts.now())
		}),
	}
}
