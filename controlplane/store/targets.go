package store

import (
	"context"
	"fmt"

	"github.com/cofferhq/coffer/ent"
	"github.com/cofferhq/coffer/ent/backup"
	"github.com/cofferhq/coffer/ent/project"
	"github.com/cofferhq/coffer/ent/schema"
	"github.com/cofferhq/coffer/ent/storagetarget"
)

// The types of storage targets.
const (
	TargetLocal = "local"
	TargetS3    = "s3"
)

// NewTarget is what an operator configures for a storage target. For an s3
// target SecretSealed is the secret access key already sealed by the
// caller; the store never sees it in the clear. MaxParts 0 means the
// default.
type NewTarget struct {
	Name, Type, Endpoint, Region, Bucket, Prefix, AccessKeyID, SecretSealed, LocalDir string

	PathStyle bool
	MaxParts  int
}

// CreateTarget stores a storage target. It does not check that the target
// works; the caller probes it first.
func (s *Store) CreateTarget(ctx context.Context, t NewTarget) (*ent.StorageTarget, error) {
	if t.MaxParts == 0 {
		t.MaxParts = schema.DefaultMaxParts
	}
	if err := validateNewTarget(t); err != nil {
		return nil, fmt.Errorf("create storage target: %w", err)
	}

	created, err := s.client.StorageTarget.Create().
		SetName(t.Name).
		SetType(storagetarget.Type(t.Type)).
		SetEndpoint(t.Endpoint).
		SetRegion(t.Region).
		SetBucket(t.Bucket).
		SetPrefix(t.Prefix).
		SetPathStyle(t.PathStyle).
		SetAccessKeyID(t.AccessKeyID).
		SetSecretSealed(t.SecretSealed).
		SetLocalDir(t.LocalDir).
		SetMaxParts(t.MaxParts).
		Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("create storage target %q: %w", t.Name, classify(err))
	}
	return created, nil
}

// ListTargets returns every storage target ordered by name.
func (s *Store) ListTargets(ctx context.Context) ([]*ent.StorageTarget, error) {
	ts, err := s.client.StorageTarget.Query().
		Order(ent.Asc(storagetarget.FieldName)).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("list storage targets: %w", classify(err))
	}
	return ts, nil
}

// GetTarget finds a storage target by id, or failing that by name.
func (s *Store) GetTarget(ctx context.Context, idOrName string) (*ent.StorageTarget, error) {
	t, err := s.client.StorageTarget.Get(ctx, idOrName)
	if ent.IsNotFound(err) {
		t, err = s.client.StorageTarget.Query().
			Where(storagetarget.Name(idOrName)).
			Only(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("get storage target %q: %w", idOrName, classify(err))
	}
	return t, nil
}

// DeleteTarget deletes a storage target by id. It fails with ErrConflict
// while a project uses the target as its default or a backup lives in it:
// those backups could no longer be read or deleted.
func (s *Store) DeleteTarget(ctx context.Context, id string) error {
	err := s.inTx(ctx, func(tx *ent.Tx) error {
		if err := requireUnusedTarget(ctx, tx, id); err != nil {
			return err
		}
		if err := tx.StorageTarget.DeleteOneID(id).Exec(ctx); err != nil {
			return classify(err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete storage target %s: %w", id, err)
	}
	return nil
}

func requireUnusedTarget(ctx context.Context, tx *ent.Tx, id string) error {
	n, err := tx.Project.Query().Where(project.DefaultTargetID(id)).Count(ctx)
	if err != nil {
		return fmt.Errorf("count projects using it: %w", classify(err))
	}
	if n > 0 {
		return fmt.Errorf("%w: %d project(s) use it as their default target", ErrConflict, n)
	}

	n, err = tx.Backup.Query().Where(backup.TargetID(id)).Count(ctx)
	if err != nil {
		return fmt.Errorf("count backups in it: %w", classify(err))
	}
	if n > 0 {
		return fmt.Errorf("%w: %d backup(s) are stored in it", ErrConflict, n)
	}
	return nil
}
