package client

import (
	"context"
	"net/http"
)

// HostContainers returns the containers a host's agent last reported.
func (c *Client) HostContainers(ctx context.Context, hostID string) ([]Container, error) {
	seg, err := segment("host id", hostID)
	if err != nil {
		return nil, err
	}
	return c.containers(ctx, "/api/hosts/"+seg+"/containers")
}

// ProjectContainers returns the containers that belong to a project, on
// every host.
func (c *Client) ProjectContainers(ctx context.Context, projectIDOrName string) (
	[]Container, error) {
	seg, err := segment("project id or name", projectIDOrName)
	if err != nil {
		return nil, err
	}
	return c.containers(ctx, "/api/projects/"+seg+"/containers")
}

func (c *Client) containers(ctx context.Context, path string) ([]Container, error) {
	var cs []Container
	if err := c.do(ctx, http.MethodGet, path, nil, &cs); err != nil {
		return nil, err
	}
	return cs, nil
}
