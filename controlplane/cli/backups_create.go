package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/cofferhq/coffer/controlplane/client"
)

func newBackupsCreateCommand(opts *options) *cobra.Command {
	var project, target string
	var wait bool
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Back up a project now",
		Long: `Starts a backup of a project: every volume of its containers and every path
attached to it, to --target or else the project's default storage target.

Without --wait the backup is printed PENDING and runs on. With --wait the
command follows it with a progress bar, prints its items when it ends, and
exits non-zero if it FAILED.`,
		Example: `  coffer backups create --project web --wait
  coffer backups create --project web --target b2 -o json | jq -r .id`,
		Args: cobra.NoArgs,
		RunE: opts.withClient(func(cmd *cobra.Command, c *client.Client, _ []string) error {
			b, err := c.CreateBackup(cmd.Context(), project, target)
			if err != nil {
				return err
			}
			if wait {
				return waitBackup(cmd, opts, c, b.ID)
			}
			if opts.jsonOutput() {
				return printJSON(cmd.OutOrStdout(), b)
			}
			return printBackup(cmd.OutOrStdout(), b, opts.now())
		}),
	}
	f := cmd.Flags()
	f.StringVarP(&project, "project", "p", "", "the project to back up (id or name)")
	f.StringVarP(&target, "target", "t", "", "storage target (id or name; default: "+
		"the project's)")
	f.BoolVarP(&wait, "wait", "w", false, "follow the backup until it ends")
	_ = cmd.MarkFlagRequired("project")
	return cmd
}

// waitBackup follows a backup to its end, prints it, and fails when it did.
func waitBackup(cmd *cobra.Command, opts *options, c *client.Client, id string) error {
	ctx := cmd.Context()
	f := newFollower(cmd.ErrOrStderr(), id, "")
	err := f.run(ctx, c, func(ctx context.Context) (bool, error) {
		b, err := c.GetBackup(ctx, id)
		return err == nil && b.Finished(), err
	})
	if err != nil {
		return err
	}

	b, err := c.GetBackup(ctx, id)
	if err != nil {
		return err
	}
	if opts.jsonOutput() {
		err = printJSON(cmd.OutOrStdout(), b)
	} else {
		err = printBackup(cmd.OutOrStdout(), b, opts.now())
	}
	if err != nil {
		return err
	}
	if b.Status != "COMPLETED" {
		return fmt.Errorf("backup %s failed: %s", b.ID, b.Error)
	}
	return nil
}
