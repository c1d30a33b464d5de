package cli

import (
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/cofferhq/coffer/controlplane/client"
)

func newPathsCommand(opts *options) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "paths",
		Aliases: []string{"path"},
		Short:   "Attach host paths to projects, list and detach them",
		Long: `A project's backups hold its containers' volumes and, beside them, the
paths on hosts attached here: configuration directories such as /etc/nginx
that belong to no container. A path is absolute and names a directory on
one host.`,
		Args: cobra.ArbitraryArgs,
		RunE: groupRunE,
	}
	cmd.AddCommand(
		newPathsAddCommand(opts),
		newPathsListCommand(opts),
		newPathsDeleteCommand(opts),
	)
	return cmd
}

// projectFlag registers the --project flag that every paths command needs.
func projectFlag(cmd *cobra.Command, project *string) {
	cmd.Flags().StringVarP(project, "project", "p", "", "project id or name (required)")
	_ = cmd.MarkFlagRequired("project")
}

// printPaths prints a project's paths as a table, one per row.
func printPaths(w io.Writer, ps []client.ProjectPath, now time.Time) error {
	t := newTable(w, "ID", "HOST", "PATH", "ADDED")
	for _, p := range ps {
		t.row(p.ID, p.HostID, p.Path, ago(p.CreatedAt, now))
	}
	return t.flush()
}
