package cli

import (
	"io"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/cofferhq/coffer/controlplane/client"
)

func newHostsCommand(opts *options) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "hosts",
		Aliases: []string{"host"},
		Short:   "List, show and revoke enrolled hosts",
		Long: `A host is a machine whose coffer-agent has enrolled with an enrollment
token (see 'coffer enroll-token create'). Its agent dials out to the
control plane, so a host needs no open port.`,
		Args: cobra.ArbitraryArgs,
		RunE: groupRunE,
	}
	cmd.AddCommand(
		newHostsListCommand(opts),
		newHostsShowCommand(opts),
		newHostsRevokeCommand(opts),
	)
	return cmd
}

// printHosts prints hosts as a table, one per row.
func printHosts(w io.Writer, hs []client.Host, now time.Time) error {
	t := newTable(w, "ID", "NAME", "STATUS", "LAST SEEN", "AGENT")
	for _, h := range hs {
		t.row(h.ID, h.Name, h.Status, lastSeen(h.LastSeenAt, now), h.AgentVersion)
	}
	return t.flush()
}

// printHost prints one host, a field per line, its facts last.
func printHost(w io.Writer, h *client.Host, now time.Time) error {
	t := newTable(w)
	t.row("ID:", h.ID)
	t.row("Name:", h.Name)
	t.row("Status:", h.Status)
	seen := "never"
	if h.LastSeenAt != nil {
		seen = stamp(*h.LastSeenAt, now)
	}
	t.row("Last seen:", seen)
	t.row("Agent:", h.AgentVersion)
	t.row("Enrolled:", stamp(h.CreatedAt, now))

	keys := make([]string, 0, len(h.Facts))
	for k := range h.Facts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if len(keys) > 0 {
		t.row("Facts:")
	}
	for _, k := range keys {
		t.row("  "+k+":", h.Facts[k])
	}
	return t.flush()
}

func lastSeen(t *time.Time, now time.Time) string {
	if t == nil {
		return "never"
	}
	return ago(*t, now)
}
