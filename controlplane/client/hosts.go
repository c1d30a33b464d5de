package client

import (
	"context"
	"net/http"
)

// ListHosts returns the hosts that are enrolled and not revoked.
func (c *Client) ListHosts(ctx context.Context) ([]Host, error) {
	var hs []Host
	if err := c.do(ctx, http.MethodGet, "/api/hosts", nil, &hs); err != nil {
		return nil, err
	}
	return hs, nil
}

// GetHost returns a host by its id.
func (c *Client) GetHost(ctx context.Context, id string) (*Host, error) {
	seg, err := segment("host id", id)
	if err != nil {
		return nil, err
	}
	var h Host
	if err := c.do(ctx, http.MethodGet, "/api/hosts/"+seg, nil, &h); err != nil {
		return nil, err
	}
	return &h, nil
}

// RevokeHost refuses the host's key from now on and cuts its live session.
func (c *Client) RevokeHost(ctx context.Context, id string) error {
	seg, err := segment("host id", id)
	if err != nil {
		return err
	}
	return c.do(ctx, http.MethodDelete, "/api/hosts/"+seg, nil, nil)
}
