package cli

import (
	"github.com/spf13/cobra"

	"github.com/cofferhq/coffer/controlplane/client"
)

func newProjectsCreateCommand(opts *options) *cobra.Command {
	return &cobra.Command{
		Use:   "create NAME",
		Short: "Create a project",
		Long: `Creates a project. Its consistency mode starts as 'pause': containers are
paused while their volumes are read.`,
		Example: `  coffer projects create web
  id=$(coffer projects create web -o json | jq -r .id)`,
		Args: cobra.ExactArgs(1),
		RunE: opts.withClient(func(cmd *cobra.Command, c *client.Client, args []string) error {
			p, err := c.CreateProject(cmd.Context(), args[0])
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
