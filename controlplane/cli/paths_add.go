package cli

import (
	"github.com/spf13/cobra"

	"github.com/cofferhq/coffer/controlplane/client"
)

func newPathsAddCommand(opts *options) *cobra.Command {
	var project, host string
	cmd := &cobra.Command{
		Use:   "add --project P --host H PATH",
		Short: "Attach a path on a host to a project",
		Long: `Attaches an absolute, clean path on a host to a project, so that the
project's backups hold it. The host is given by its id, as
'coffer hosts list' shows it.`,
		Example: "  coffer paths add --project web --host 01JB7Q3Y2K8N4V6W9X0Z1A2B3C /etc/nginx",
		Args:    cobra.ExactArgs(1),
		RunE: opts.withClient(func(cmd *cobra.Command, c *client.Client, args []string) error {
			p, err := c.AddPath(cmd.Context(), project, host, args[0])
			if err != nil {
				return err
			}
			if opts.jsonOutput() {
				return printJSON(cmd.OutOrStdout(), p)
			}
			return printPaths(cmd.OutOrStdout(), []client.ProjectPath{*p}, opts.now())
		}),
	}
	projectFlag(cmd, &project)
	cmd.Flags().StringVar(&host, "host", "", "host id (required)")
	_ = cmd.MarkFlagRequired("host")
	return cmd
}
