package cli

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/cofferhq/coffer/controlplane/client"
)

func newProjectsSetCommand(opts *options) *cobra.Command {
	var target, consistency string
	cmd := &cobra.Command{
		Use:   "set ID|NAME [--default-target T] [--consistency pause|stop|none]",
		Short: "Change a project's default storage target or consistency mode",
		Long: `Changes the settings of a project that are given; the others stay.

--default-target names the storage target (id or name) that the project's
backups go to when a backup does not name one; an empty value clears it.

--consistency says what happens to a container while its volumes are read:
'pause' freezes it (the default), 'stop' stops it and starts it again, and
'none' reads the volumes while it runs.`,
		Example: `  coffer projects set web --default-target b2
  coffer projects set web --consistency stop
  coffer projects set web --default-target ""`,
		Args: cobra.ExactArgs(1),
		RunE: opts.withClient(func(cmd *cobra.Command, c *client.Client, args []string) error {
			var u client.ProjectUpdate
			if cmd.Flags().Changed("default-target") {
				u.DefaultTargetID = &target
			}
			if cmd.Flags().Changed("consistency") {
				u.Consistency = &consistency
			}
			if u.DefaultTargetID == nil && u.Consistency == nil {
				return errors.New("nothing to change: pass --default-target or --consistency")
			}

			p, err := c.UpdateProject(cmd.Context(), args[0], u)
			if err != nil {
				return err
			}
			if opts.jsonOutput() {
				return printJSON(cmd.OutOrStdout(), p)
			}
			return printProject(cmd.OutOrStdout(), p, opts.now())
		}),
	}
	f := cmd.Flags()
	f.StringVar(&target, "default-target", "", "storage target id or name; empty clears it")
	f.StringVar(&consistency, "consistency", "", "pause, stop or none")
	return cmd
}
