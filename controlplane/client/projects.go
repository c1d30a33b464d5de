package client

import (
	"context"
	"net/http"
)

// CreateProject creates a project with the default consistency mode.
func (c *Client) CreateProject(ctx context.Context, name string) (*Project, error) {
	var p Project
	in := struct {
		Name string `json:"name"`
	}{Name: name}
	if err := c.do(ctx, http.MethodPost, "/api/projects", in, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// ListProjects returns every project, ordered by name.
func (c *Client) ListProjects(ctx context.Context) ([]Project, error) {
	var ps []Project
	if err := c.do(ctx, http.MethodGet, "/api/projects", nil, &ps); err != nil {
		return nil, err
	}
	return ps, nil
}

// GetProject returns a project by its id or its name.
func (c *Client) GetProject(ctx context.Context, idOrName string) (*Project, error) {
	seg, err := segment("project id or name", idOrName)
	if err != nil {
		return nil, err
	}
	var p Project
	if err := c.do(ctx, http.MethodGet, "/api/projects/"+seg, nil, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// DeleteProject deletes a project by its id or its name.
func (c *Client) DeleteProject(ctx context.Context, idOrName string) error {
	seg, err := segment("project id or name", idOrName)
	if err != nil {
		return err
	}
	return c.do(ctx, http.MethodDelete, "/api/projects/"+seg, nil, nil)
}
