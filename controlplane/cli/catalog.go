package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/cofferhq/coffer/controlplane/client"
)

func newCatalogCommand(opts *options) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "catalog",
		Short: "Rebuild the backup catalog from storage",
		Long: `Every backup in an S3 target has a manifest.json beside its objects that
describes it completely. After losing the control plane's database, importing
a target's manifests brings its backups back into the catalog.`,
		Args: cobra.ArbitraryArgs,
		RunE: groupRunE,
	}
	cmd.AddCommand(newCatalogImportCommand(opts))
	return cmd
}

func newCatalogImportCommand(opts *options) *cobra.Command {
	var target string
	cmd := &cobra.Command{
		Use:   "import",
		Short: "Import the backups a storage target holds",
		Long: `Reads every manifest under the target's prefix and records the backups it
describes. Backups already in the catalog are skipped, as are manifests that
cannot be read or trusted (the server's log says why), so the import can run
again at any time.`,
		Example: `  coffer catalog import --target b2`,
		Args:    cobra.NoArgs,
		RunE: opts.withClient(func(cmd *cobra.Command, c *client.Client, _ []string) error {
			res, err := c.ImportCatalog(cmd.Context(), target)
			if err != nil {
				return err
			}
			if opts.jsonOutput() {
				return printJSON(cmd.OutOrStdout(), res)
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "Imported %d backups; skipped %d.\n",
				res.Imported, res.Skipped)
			return err
		}),
	}
	cmd.Flags().StringVarP(&target, "target", "t", "", "storage target (id or name)")
	_ = cmd.MarkFlagRequired("target")
	return cmd
}
