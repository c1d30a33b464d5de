package cli

import (
	"github.com/spf13/cobra"

	"github.com/cofferhq/coffer/controlplane/client"
)

func newBackupsListCommand(opts *options) *cobra.Command {
	var project string
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List backups",
		Long:    "Lists backups, newest first: every project's, or one project's with --project.",
		Example: `  coffer backups list --project web
  coffer backups list -o json | jq -r '.[] | select(.status == "FAILED") | .id'`,
		Args: cobra.NoArgs,
		RunE: opts.withClient(func(cmd *cobra.Command, c *client.Client, _ []string) error {
			bs, err := c.ListBackups(cmd.Context(), project)
			if err != nil {
				return err
			}
			if opts.jsonOutput() {
				return printJSON(cmd.OutOrStdout(), bs)
			}
			return printBackups(cmd.OutOrStdout(), bs, opts.now())
		}),
	}
	cmd.Flags().StringVarP(&project, "project", "p", "",
		"only this project's backups (id or name)")
	return cmd
}
