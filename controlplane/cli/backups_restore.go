package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/cofferhq/coffer/controlplane/client"
)

func newBackupsRestoreCommand(opts *options) *cobra.Command {
	var req client.RestoreRequest
	var wait bool
	cmd := &cobra.Command{
		Use:   "restore ID",
		Short: "Restore a backup's items onto their hosts",
		Long: `Restores the items of a completed backup, all of them or those named with
--item, on the hosts they were taken from.

--mode replace (the default without --path) extracts each item beside the
volume's contents and checks it, then stops the volume's container, swaps the
old contents for the new and starts the container again; a path item is
replaced in place the same way. A failed restore leaves the volume as it was.

--mode path (the default with --path) restores each item into
<path>/<item name> on its host and changes nothing else.

With --wait the command follows the restore, prints each item's result, and
exits non-zero if it FAILED.`,
		Example: `  coffer backups restore 01jb7q3y2k8n4v6w9x0z1a2b3c --path /srv/restored --wait
  coffer backups restore 01jb7q3y2k8n4v6w9x0z1a2b3c --item 01jb7q4... --mode replace`,
		Args: cobra.ExactArgs(1),
		RunE: opts.withClient(func(cmd *cobra.Command, c *client.Client, args []string) error {
			if req.Mode == "" {
				req.Mode = "replace"
				if req.Path != "" {
					req.Mode = "path"
				}
			}
			r, err := c.RestoreBackup(cmd.Context(), args[0], req)
			if err != nil {
				return err
			}
			if wait {
				return waitRestore(cmd, opts, c, r)
			}
			if opts.jsonOutput() {
				return printJSON(cmd.OutOrStdout(), r)
			}
			return printRestore(cmd.OutOrStdout(), r, opts.now())
		}),
	}
	f := cmd.Flags()
	f.StringSliceVar(&req.Items, "item", nil, "restore only this item (repeat for more)")
	f.StringVar(&req.Mode, "mode", "", "replace or path (default: path with --path, "+
		"else replace)")
	f.StringVar(&req.Path, "path", "", "directory on each host to restore into (path mode)")
	f.BoolVarP(&wait, "wait", "w", false, "follow the restore until it ends")
	return cmd
}

// waitRestore follows a restore to its end, prints it, and fails when it did.
func waitRestore(cmd *cobra.Command, opts *options, c *client.Client, r *client.Restore) error {
	ctx := cmd.Context()
	f := newFollower(cmd.ErrOrStderr(), r.BackupID, r.ID)
	err := f.run(ctx, c, func(ctx context.Context) (bool, error) {
		got, err := c.GetRestore(ctx, r.ID)
		return err == nil && got.Finished(), err
	})
	if err != nil {
		return err
	}

	r, err = c.GetRestore(ctx, r.ID)
	if err != nil {
		return err
	}
	if opts.jsonOutput() {
		err = printJSON(cmd.OutOrStdout(), r)
	} else {
		err = printRestore(cmd.OutOrStdout(), r, opts.now())
	}
	if err != nil {
		return err
	}
	if r.Status != "COMPLETED" {
		return fmt.Errorf("restore %s failed: %s", r.ID, r.Error)
	}
	return nil
}

// printRestore prints a restore, a field per line, then its results.
func printRestore(w io.Writer, r *client.Restore, now time.Time) error {
	t := newTable(w)
	t.row("ID:", r.ID)
	t.row("Backup:", r.BackupID)
	t.row("Mode:", r.Mode)
	if r.TargetPath != "" {
		t.row("Path:", r.TargetPath)
	}
	t.row("Status:", r.Status)
	if r.Error != "" {
		t.row("Error:", r.Error)
	}
	t.row("Created:", stamp(r.CreatedAt, now))
	if err := t.flush(); err != nil {
		return err
	}
	if len(r.Results) == 0 {
		return nil
	}

	fmt.Fprintln(w)
	t = newTable(w, "ITEM", "STATUS", "BYTES", "FILES", "DURATION", "ERROR")
	for _, res := range r.Results {
		d := time.Duration(res.DurationMs) * time.Millisecond
		t.row(res.ItemID, res.Status, humanBytes(res.Bytes), fmt.Sprint(res.Files),
			d.String(), res.Error)
	}
	return t.flush()
}
