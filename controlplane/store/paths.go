package store

import (
	"context"
	"fmt"

	"github.com/cofferhq/coffer/ent"
	"github.com/cofferhq/coffer/ent/projectpath"
)

// AddProjectPath attaches a path on a live host to a project, so that its
// backups hold it. The path must be absolute and clean; attaching the same
// path of the same host twice is ErrConflict.
func (s *Store) AddProjectPath(
	ctx context.Context, projectID, hostID, path string,
) (*ent.ProjectPath, error) {
	if err := validateAbsPath("path", path); err != nil {
		return nil, fmt.Errorf("add project path: %w", err)
	}

	var created *ent.ProjectPath
	err := s.inTx(ctx, func(tx *ent.Tx) error {
		if _, err := tx.Project.Get(ctx, projectID); err != nil {
			return fmt.Errorf("get project %s: %w", projectID, classify(err))
		}
		if err := requireLiveHost(ctx, tx, hostID); err != nil {
			return err
		}

		var err error
		created, err = tx.ProjectPath.Create().
			SetProjectID(projectID).
			SetHostID(hostID).
			SetPath(path).
			Save(ctx)
		return classify(err)
	})
	if err != nil {
		return nil, fmt.Errorf("add path %s of host %s to project %s: %w",
			path, hostID, projectID, err)
	}
	return created, nil
}

// ListProjectPaths returns a project's paths by host and path.
func (s *Store) ListProjectPaths(
	ctx context.Context, projectID string,
) ([]*ent.ProjectPath, error) {
	if _, err := s.client.Project.Get(ctx, projectID); err != nil {
		return nil, fmt.Errorf("list paths of project %s: %w", projectID, classify(err))
	}

	ps, err := s.client.ProjectPath.Query().
		Where(projectpath.ProjectID(projectID)).
		Order(ent.Asc(projectpath.FieldHostID), ent.Asc(projectpath.FieldPath)).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("list paths of project %s: %w", projectID, classify(err))
	}
	return ps, nil
}

// DeleteProjectPath detaches a path from a project. A path of another
// project is ErrNotFound, as if it did not exist.
func (s *Store) DeleteProjectPath(ctx context.Context, projectID, pathID string) error {
	n, err := s.client.ProjectPath.Delete().
		Where(projectpath.ID(pathID), projectpath.ProjectID(projectID)).
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("delete path %s of project %s: %w", pathID, projectID, classify(err))
	}
	if n == 0 {
		return fmt.Errorf("delete path %s of project %s: %w", pathID, projectID, ErrNotFound)
	}
	return nil
}
