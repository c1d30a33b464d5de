package cli

import (
	"io"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/cofferhq/coffer/controlplane/client"
)

func newStorageTargetsCommand(opts *options) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "storage-targets",
		Aliases: []string{"storage-target", "targets"},
		Short:   "Create, list, show and delete storage targets",
		Long: `A storage target is where backups are written: an S3-compatible bucket
(AWS S3, Backblaze B2, Cloudflare R2, MinIO, versitygw, ...) or a directory
on the hosts themselves.

The control plane keeps an s3 target's secret key sealed under its master
key and signs the requests agents make, so hosts never hold the key.
Commands that take a target accept its id or its name.`,
		Args: cobra.ArbitraryArgs,
		RunE: groupRunE,
	}
	cmd.AddCommand(
		newStorageTargetsCreateCommand(opts),
		newStorageTargetsListCommand(opts),
		newStorageTargetsShowCommand(opts),
		newStorageTargetsDeleteCommand(opts),
	)
	return cmd
}

// location is where a target keeps its backups, in one cell.
func location(t client.StorageTarget) string {
	if t.Type == "local" {
		return t.Dir
	}
	loc := t.Bucket
	if t.Prefix != "" {
		loc += "/" + t.Prefix
	}
	if t.Endpoint != "" {
		loc = t.Endpoint + " " + loc
	}
	return loc
}

// printTargets prints storage targets as a table, one per row.
func printTargets(w io.Writer, ts []client.StorageTarget, now time.Time) error {
	t := newTable(w, "ID", "NAME", "TYPE", "LOCATION", "CREATED")
	for _, tg := range ts {
		t.row(tg.ID, tg.Name, tg.Type, location(tg), ago(tg.CreatedAt, now))
	}
	return t.flush()
}

// printTarget prints one storage target, a field per line.
func printTarget(w io.Writer, tg *client.StorageTarget, now time.Time) error {
	t := newTable(w)
	t.row("ID:", tg.ID)
	t.row("Name:", tg.Name)
	t.row("Type:", tg.Type)
	if tg.Type == "local" {
		t.row("Directory:", tg.Dir)
	} else {
		t.row("Endpoint:", tg.Endpoint)
		t.row("Region:", tg.Region)
		t.row("Bucket:", tg.Bucket)
		t.row("Prefix:", tg.Prefix)
		t.row("Path style:", strconv.FormatBool(tg.PathStyle))
		t.row("Access key id:", tg.AccessKeyID)
		t.row("Secret key:", secretState(tg.HasSecret))
	}
	t.row("Max parts:", strconv.Itoa(tg.MaxParts))
	t.row("Created:", stamp(tg.CreatedAt, now))
	return t.flush()
}

func secretState(has bool) string {
	if has {
		return "stored (sealed)"
	}
	return "none"
}
