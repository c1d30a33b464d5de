package cli

import (
	"github.com/spf13/cobra"

	"github.com/cofferhq/coffer/controlplane/client"
)

func newPathsListCommand(opts *options) *cobra.Command {
	var project string
	cmd := &cobra.Command{
		Use:     "list --project P",
		Aliases: []string{"ls"},
		Short:   "List a project's paths",
		Long:    "Lists the host paths attached to a project, by host and path.",
		Example: `  coffer paths list --project web
  coffer paths list -p web -o json`,
		Args: cobra.NoArgs,
		RunE: opts.withClient(func(cmd *cobra.Command, c *client.Client, _ []string) error {
			ps, err := c.ListPaths(cmd.Context(), project)
			if err != nil {
				return err
			}
			if opts.jsonOutput() {
				return printJSON(cmd.OutOrStdout(), ps)
			}
			return printPaths(cmd.OutOrStdout(), ps, opts.now())
		}),
	}
	projectFlag(cmd, &project)
	return cmd
}
