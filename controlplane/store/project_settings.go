package store

import (
	"context"
	"fmt"

	"github.com/cofferhq/coffer/ent"
	"github.com/cofferhq/coffer/ent/project"
)

// SetProjectDefaultTarget makes targetID the project's default storage
// target; an empty targetID clears it. Both are ids, not names.
func (s *Store) SetProjectDefaultTarget(ctx context.Context, projectID, targetID string) error {
	err := s.inTx(ctx, func(tx *ent.Tx) error {
		update := tx.Project.UpdateOneID(projectID)
		if targetID == "" {
			update.ClearDefaultTargetID()
		} else {
			// Checked here rather than left to the foreign key, so that an
			// unknown target is ErrNotFound and not a conflict.
			if _, err := tx.StorageTarget.Get(ctx, targetID); err != nil {
				return fmt.Errorf("get storage target %s: %w", targetID, classify(err))
			}
			update.SetDefaultTargetID(targetID)
		}
		return classify(update.Exec(ctx))
	})
	if err != nil {
		return fmt.Errorf("set default target of project %s: %w", projectID, err)
	}
	return nil
}

// SetProjectConsistency sets what happens to the project's containers while
// their volumes are read: "pause", "stop" or "none".
func (s *Store) SetProjectConsistency(ctx context.Context, projectID, c string) error {
	mode := project.Consistency(c)
	if err := project.ConsistencyValidator(mode); err != nil {
		return fmt.Errorf("set consistency of project %s: %w", projectID,
			invalid("consistency %q must be pause, stop or none", c))
	}

	err := s.client.Project.UpdateOneID(projectID).SetConsistency(mode).Exec(ctx)
	if err != nil {
		return fmt.Errorf("set consistency of project %s: %w", projectID, classify(err))
	}
	return nil
}
