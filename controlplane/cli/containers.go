package cli

import (
	"io"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/cofferhq/coffer/controlplane/client"
)

func newContainersCommand(opts *options) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "containers",
		Aliases: []string{"container"},
		Short:   "List the containers the agents report",
		Long: `Each agent reports its host's containers from containerd (the default,
moby and k8s.io namespaces, so Docker and Kubernetes containers too) and
keeps the list current. A container's volumes are its bind mounts, minus
system mounts and what its coffer.exclude label names.`,
		Args: cobra.ArbitraryArgs,
		RunE: groupRunE,
	}
	cmd.AddCommand(newContainersListCommand(opts))
	return cmd
}

// printContainers prints containers as a table, one per row.
func printContainers(w io.Writer, cs []client.Container) error {
	t := newTable(w, "HOST", "NAMESPACE", "NAME", "IMAGE", "STATE", "VOLUMES")
	for _, c := range cs {
		t.row(c.HostID, c.Namespace, c.Name, c.Image, c.State, strconv.Itoa(len(c.Mounts)))
	}
	return t.flush()
}
