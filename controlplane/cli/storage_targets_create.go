package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cofferhq/coffer/controlplane/client"
)

// envS3Secret may hold the secret access key of a new s3 target. The key is
// never taken as a flag value, which ps and shell history would show.
const envS3Secret = "COFFER_S3_SECRET_ACCESS_KEY"

// maxSecretFile bounds what is read as a secret key; real ones are short.
const maxSecretFile = 64 << 10

type targetFlags struct {
	target     client.NewStorageTarget
	secretFile string
}

func newStorageTargetsCreateCommand(opts *options) *cobra.Command {
	tf := &targetFlags{}
	cmd := &cobra.Command{
		Use:   "create NAME --type s3|local",
		Short: "Create a storage target",
		Long: `Creates a storage target.

An s3 target needs --bucket, --access-key-id and a secret access key, read
from --secret-access-key-file (use - for standard input) or from
$COFFER_S3_SECRET_ACCESS_KEY; it is never taken on the command line. The
control plane tests the settings by writing and deleting a small object
before it saves them, and says what is wrong when that fails.

A local target is --dir, an absolute directory on each host, which the
control plane cannot check: a wrong one shows when a backup runs.`,
		Example: `  coffer storage-targets create b2 --type s3 \
    --endpoint https://s3.eu-central-003.backblazeb2.com \
    --bucket acme-backups --prefix coffer --access-key-id 003a... \
    --secret-access-key-file ~/.b2-secret
  pass show minio | coffer storage-targets create minio --type s3 \
    --endpoint http://minio:9000 --path-style --bucket backups \
    --access-key-id coffer --secret-access-key-file -
  coffer storage-targets create disk --type local --dir /srv/coffer`,
		Args: cobra.ExactArgs(1),
		RunE: opts.withClient(func(cmd *cobra.Command, c *client.Client, args []string) error {
			tf.target.Name = args[0]
			if err := tf.readSecret(cmd.InOrStdin()); err != nil {
				return err
			}
			tg, err := c.CreateTarget(cmd.Context(), tf.target)
			if err != nil {
				return err
			}
			if opts.jsonOutput() {
				return printJSON(cmd.OutOrStdout(), tg)
			}
			return printTarget(cmd.OutOrStdout(), tg, opts.now())
		}),
	}
	tf.register(cmd)
	return cmd
}

func (tf *targetFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	t := &tf.target
	f.StringVar(&t.Type, "type", "", "s3 or local (required)")
	f.StringVar(&t.Endpoint, "endpoint", "", "S3 endpoint URL; empty means AWS S3")
	f.StringVar(&t.Region, "region", "", "S3 region (default us-east-1; R2 wants auto)")
	f.StringVar(&t.Bucket, "bucket", "", "S3 bucket")
	f.StringVar(&t.Prefix, "prefix", "", "key prefix inside the bucket")
	f.StringVar(&t.AccessKeyID, "access-key-id", "", "S3 access key id")
	f.BoolVar(&t.PathStyle, "path-style", false,
		"put the bucket in the URL path, as MinIO and versitygw need")
	f.StringVar(&tf.secretFile, "secret-access-key-file", "",
		"file holding the S3 secret access key, - for stdin ($"+envS3Secret+")")
	f.StringVar(&t.Dir, "dir", "", "directory on the hosts, for a local target")
	f.IntVar(&t.MaxParts, "max-parts", 0,
		"most parts the provider allows in one upload (default 1000)")
	_ = cmd.MarkFlagRequired("type")
}

// readSecret fills in the secret access key of an s3 target.
func (tf *targetFlags) readSecret(stdin io.Reader) error {
	if tf.target.Type != "s3" {
		if tf.secretFile != "" {
			return errors.New("--secret-access-key-file applies to s3 targets only")
		}
		return nil
	}

	secret, err := tf.secretFromFile(stdin)
	if err != nil {
		return err
	}
	if secret == "" {
		secret = os.Getenv(envS3Secret)
	}
	if secret == "" {
		return fmt.Errorf("an s3 target needs its secret access key: pass "+
			"--secret-access-key-file or set $%s", envS3Secret)
	}
	tf.target.SecretAccessKey = secret
	return nil
}

func (tf *targetFlags) secretFromFile(stdin io.Reader) (string, error) {
	if tf.secretFile == "" {
		return "", nil
	}
	r := stdin
	if tf.secretFile != "-" {
		f, err := os.Open(tf.secretFile)
		if err != nil {
			return "", fmt.Errorf("read secret access key: %w", err)
		}
		defer f.Close()
		r = f
	}

	b, err := io.ReadAll(io.LimitReader(r, maxSecretFile))
	if err != nil {
		return "", fmt.Errorf("read secret access key: %w", err)
	}
	secret := strings.TrimSpace(string(b))
	if secret == "" {
		return "", fmt.Errorf("read secret access key: %s is empty", tf.secretFile)
	}
	return secret, nil
}
