package cli

import (
	"context"
	"errors"

	"github.com/spf13/cobra"

	"github.com/cofferhq/coffer/controlplane/client"
)

type containersListOptions struct {
	host    string
	project string
}

func newContainersListCommand(opts *options) *cobra.Command {
	lo := &containersListOptions{}
	cmd := &cobra.Command{
		Use:     "list --host ID | --project ID|NAME",
		Aliases: []string{"ls"},
		Short:   "List the containers of a host or of a project",
		Long: `Lists the containers of one host, or those of one project across all
hosts. Exactly one of --host and --project is required. VOLUMES counts
the mounts that a backup of the container would read.`,
		Example: `  coffer containers list --host 01JB7Q3Y2K8N4V6W9X0Z1A2B3C
  coffer containers list --project web -o json | jq '.[].mounts'`,
		Args: cobra.NoArgs,
		// Checked before the token is looked up, so that a usage mistake
		// is reported as one.
		PreRunE: func(*cobra.Command, []string) error { return lo.check() },
		RunE: opts.withClient(func(cmd *cobra.Command, c *client.Client, _ []string) error {
			cs, err := lo.list(cmd.Context(), c)
			if err != nil {
				return err
			}
			if opts.jsonOutput() {
				return printJSON(cmd.OutOrStdout(), cs)
			}
			return printContainers(cmd.OutOrStdout(), cs)
		}),
	}

	f := cmd.Flags()
	f.StringVar(&lo.host, "host", "", "id of the host whose containers to list")
	f.StringVar(&lo.project, "project", "", "id or name of the project whose containers to list")
	return cmd
}

var errHostOrProject = errors.New(
	"list containers: give exactly one of --host ID or --project ID|NAME")

func (lo *containersListOptions) check() error {
	if (lo.host == "") == (lo.project == "") {
		return errHostOrProject
	}
	return nil
}

func (lo *containersListOptions) list(ctx context.Context, c *client.Client) (
	[]client.Container, error) {
	if lo.host != "" {
		return c.HostContainers(ctx, lo.host)
	}
	return c.ProjectContainers(ctx, lo.project)
}
