package store

import (
	"context"
	"fmt"

	"github.com/cofferhq/coffer/ent"
	"github.com/cofferhq/coffer/ent/project"
)

// CreateProject creates a project with the default consistency mode.
func (s *Store) CreateProject(ctx context.Context, name string) (*ent.Project, error) {
	if err := validateProjectName(name); err != nil {
		return nil, fmt.Errorf("create project: %w", err)
	}

	p, err := s.client.Project.Create().SetName(name).Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("create project %q: %w", name, classify(err))
	}
	return p, nil
}

// ListProjects returns every project ordered by name.
func (s *Store) ListProjects(ctx context.Context) ([]*ent.Project, error) {
	ps, err := s.client.Project.Query().
		Order(ent.Asc(project.FieldName)).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("list projects: %w", classify(err))
	}
	return ps, nil
}

// GetProject finds a project by id, or failing that by name, since users
// and container labels name projects either way.
func (s *Store) GetProject(ctx context.Context, idOrName string) (*ent.Project, error) {
	p, err := s.client.Project.Get(ctx, idOrName)
	if ent.IsNotFound(err) {
		p, err = s.client.Project.Query().Where(project.Name(idOrName)).Only(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("get project %q: %w", idOrName, classify(err))
	}
	return p, nil
}

// DeleteProject deletes a project by id.
func (s *Store) DeleteProject(ctx context.Context, id string) error {
	if err := s.client.Project.DeleteOneID(id).Exec(ctx); err != nil {
		return fmt.Errorf("delete project %s: %w", id, classify(err))
	}
	return nil
}
