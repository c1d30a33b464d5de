package cli

import (
	"github.com/spf13/cobra"

	"github.com/cofferhq/coffer/controlplane/client"
)

func newProjectsListCommand(opts *options) *cobra.Command {
	return &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List projects",
		Long:    "Lists every project, ordered by name.",
		Example: `  coffer projects list
  coffer projects list -o json | jq -r '.[].name'`,
		Args: cobra.NoArgs,
		RunE: opts.withClient(func(cmd *cobra.Command, c *client.Client, _ []string) error {
			ps, err := c.ListProjects(cmd.Context())
			if err != nil {
				return err
			}
			if opts.jsonOutput() {
				return printJSON(cmd.OutOrStdout(), ps)
			}
			return printProjects(cmd.OutOrStdout(), ps, opts.now())
		}),
	}
}
