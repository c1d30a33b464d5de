package cli

import (
	"github.com/spf13/cobra"

	"github.com/cofferhq/coffer/controlplane/client"
)

func newHostsListCommand(opts *options) *cobra.Command {
	return &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List enrolled hosts",
		Long: `Lists the hosts that are enrolled and not revoked, oldest first. STATUS
is online while the host's agent holds a session; LAST SEEN is when the
control plane last heard from it.`,
		Example: `  coffer hosts list
  coffer hosts list -o json | jq -r '.[] | select(.status == "offline") | .name'`,
		Args: cobra.NoArgs,
		RunE: opts.withClient(func(cmd *cobra.Command, c *client.Client, _ []string) error {
			hs, err := c.ListHosts(cmd.Context())
			if err != nil {
				return err
			}
			if opts.jsonOutput() {
				return printJSON(cmd.OutOrStdout(), hs)
			}
			return printHosts(cmd.OutOrStdout(), hs, opts.now())
		}),
	}
}
