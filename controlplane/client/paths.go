package client

import (
	"context"
	"net/http"
)

// AddPath attaches an absolute path on a host to a project.
func (c *Client) AddPath(
	ctx context.Context, project, hostID, path string,
) (*ProjectPath, error) {
	seg, err := segment("project id or name", project)
	if err != nil {
		return nil, err
	}
	in := struct {
		HostID string `json:"hostId"`
		Path   string `json:"path"`
	}{HostID: hostID, Path: path}

	var p ProjectPath
	if err := c.do(ctx, http.MethodPost, "/api/projects/"+seg+"/paths", in, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// ListPaths returns a project's paths, by host and path.
func (c *Client) ListPaths(ctx context.Context, project string) ([]ProjectPath, error) {
	seg, err := segment("project id or name", project)
	if err != nil {
		return nil, err
	}
	var ps []ProjectPath
	if err := c.do(ctx, http.MethodGet, "/api/projects/"+seg+"/paths", nil, &ps); err != nil {
		return nil, err
	}
	return ps, nil
}

// DeletePath detaches a path from a project.
func (c *Client) DeletePath(ctx context.Context, project, pathID string) error {
	seg, err := segment("project id or name", project)
	if err != nil {
		return err
	}
	pathSeg, err := segment("path id", pathID)
	if err != nil {
		return err
	}
	return c.do(ctx, http.MethodDelete, "/api/projects/"+seg+"/paths/"+pathSeg, nil, nil)
}
