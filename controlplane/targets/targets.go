// Package targets turns a stored storage target into something backups can
// be written to: it unseals the target's secret and builds the S3 client,
// or names the directory on the hosts for a local target.
package targets

import (
	"fmt"

	"github.com/cofferhq/coffer/controlplane/secrets"
	"github.com/cofferhq/coffer/controlplane/storage"
	"github.com/cofferhq/coffer/controlplane/store"
	"github.com/cofferhq/coffer/ent"
)

// Resolved is a storage target ready for use. For an s3 target S3 is set;
// for a local target LocalDir is the directory on the agents' hosts, which
// the control plane cannot reach, and S3 is nil.
type Resolved struct {
	Type     string
	S3       storage.Target
	LocalDir string
	MaxParts int
}

// Open resolves a stored target, unsealing its secret with key.
func Open(t *ent.StorageTarget, key secrets.Key) (Resolved, error) {
	if t == nil {
		return Resolved{}, fmt.Errorf("open storage target: no target given")
	}
	r := Resolved{Type: string(t.Type), MaxParts: t.MaxParts}

	switch r.Type {
	case store.TargetLocal:
		r.LocalDir = t.LocalDir
		return r, nil
	case store.TargetS3:
		secret, err := key.Open(t.SecretSealed)
		if err != nil {
			return Resolved{}, fmt.Errorf("unseal secret of storage target %s: %w", t.Name, err)
		}
		s3, err := storage.NewS3(S3Config(t, string(secret)))
		if err != nil {
			return Resolved{}, fmt.Errorf("open storage target %s: %w", t.Name, err)
		}
		r.S3 = s3
		return r, nil
	}
	return Resolved{}, fmt.Errorf("open storage target %s: unknown type %q", t.Name, t.Type)
}

// S3Config is the S3 configuration of a stored target with its secret in
// the clear.
func S3Config(t *ent.StorageTarget, secret string) storage.S3Config {
	return storage.S3Config{
		Endpoint:        t.Endpoint,
		Region:          t.Region,
		Bucket:          t.Bucket,
		Prefix:          t.Prefix,
		AccessKeyID:     t.AccessKeyID,
		SecretAccessKey: secret,
		PathStyle:       t.PathStyle,
	}
}
