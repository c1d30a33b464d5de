package client

import (
	"context"
	"net/http"
)

// UpdateProject changes a project's default storage target or consistency
// mode and returns the project as it is now.
func (c *Client) UpdateProject(
	ctx context.Context, idOrName string, u ProjectUpdate,
) (*Project, error) {
	seg, err := segment("project id or name", idOrName)
	if err != nil {
		return nil, err
	}
	var p Project
	if err := c.do(ctx, http.MethodPatch, "/api/projects/"+seg, u, &p); err != nil {
		return nil, err
	}
	return &p, nil
}
