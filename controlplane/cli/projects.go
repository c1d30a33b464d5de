package cli

import (
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/cofferhq/coffer/controlplane/client"
)

func newProjectsCommand(opts *options) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "projects",
		Aliases: []string{"project"},
		Short:   "Create, list, show and delete projects",
		Long: `A project groups the containers that are backed up together. A container
joins a project through the label coffer.project=<project name or id>.

Project names are 1 to 63 lowercase letters, digits, '_', '.' or '-',
starting with a letter or digit. Commands that take a project accept its
id or its name.`,
		Args: cobra.ArbitraryArgs,
		RunE: groupRunE,
	}
	cmd.AddCommand(
		newProjectsCreateCommand(opts),
		newProjectsListCommand(opts),
		newProjectsShowCommand(opts),
		newProjectsDeleteCommand(opts),
		newProjectsSetCommand(opts),
	)
	return cmd
}

// printProjects prints projects as a table, one per row.
func printProjects(w io.Writer, ps []client.Project, now time.Time) error {
	t := newTable(w, "ID", "NAME", "CONSISTENCY", "CREATED")
	for _, p := range ps {
		t.row(p.ID, p.Name, p.Consistency, ago(p.CreatedAt, now))
	}
	return t.flush()
}

// deref returns what s points to, or "" for nil; a table shows "" as "-".
func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// printProject prints one project, a field per line.
func printProject(w io.Writer, p *client.Project, now time.Time) error {
	t := newTable(w)
	t.row("ID:", p.ID)
	t.row("Name:", p.Name)
	t.row("Consistency:", p.Consistency)
	t.row("Default target:", deref(p.DefaultTargetID))
	t.row("Created:", stamp(p.CreatedAt, now))
	t.row("Updated:", stamp(p.UpdatedAt, now))
	return t.flush()
}
