package cli

import (
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/cofferhq/coffer/controlplane/client"
)

func newBackupsCommand(opts *options) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "backups",
		Aliases: []string{"backup"},
		Short:   "Create, list, show, delete and restore backups",
		Long: `A backup of a project holds one item per volume of its containers and per
path attached to it, each stored as one object (a zstd-compressed tar) in the
project's storage target, with a manifest.json beside them.

A backup runs on the control plane and the agents; 'create' returns at once
unless --wait is given, which follows it with a progress bar.`,
		Args: cobra.ArbitraryArgs,
		RunE: groupRunE,
	}
	cmd.AddCommand(
		newBackupsCreateCommand(opts),
		newBackupsListCommand(opts),
		newBackupsShowCommand(opts),
		newBackupsDeleteCommand(opts),
		newBackupsRestoreCommand(opts),
	)
	return cmd
}

// printBackups prints backups as a table, one per row.
func printBackups(w io.Writer, bs []client.Backup, now time.Time) error {
	t := newTable(w, "ID", "NAME", "STATUS", "ITEMS", "SIZE", "CREATED")
	for _, b := range bs {
		t.row(b.ID, b.Name, b.Status, fmt.Sprint(len(b.Items)), humanBytes(b.Size),
			ago(b.CreatedAt, now))
	}
	return t.flush()
}

// printBackup prints one backup, a field per line, then its items.
func printBackup(w io.Writer, b *client.Backup, now time.Time) error {
	t := newTable(w)
	t.row("ID:", b.ID)
	t.row("Name:", b.Name)
	t.row("Status:", b.Status)
	if b.Error != "" {
		t.row("Error:", b.Error)
	}
	t.row("Size:", humanBytes(b.Size))
	t.row("Project:", b.ProjectID)
	t.row("Target:", b.TargetID)
	t.row("Path:", b.Path)
	t.row("Manifest:", b.S3Key)
	t.row("Created:", stamp(b.CreatedAt, now))
	if b.CompletedAt != nil {
		t.row("Completed:", stamp(*b.CompletedAt, now))
	}
	if err := t.flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	return printItems(w, b.Items)
}

// printItems prints a backup's items as a table.
func printItems(w io.Writer, items []client.BackupItem) error {
	t := newTable(w, "ITEM", "NAME", "KIND", "HOST", "SOURCE", "STATUS", "SIZE", "ERROR")
	for _, it := range items {
		t.row(it.ID, itemName(it), it.Kind, it.HostID, it.Source, it.Status,
			humanBytes(it.Size), it.Error)
	}
	return t.flush()
}

// itemName is the item's name as its object key shows it.
func itemName(it client.BackupItem) string {
	return strings.TrimSuffix(path.Base(it.ObjectKey), ".tar.zst")
}

// humanBytes renders a size in binary units: "1.5 GiB".
func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
