package client

import (
	"context"
	"net/http"
)

// CreateTarget creates a storage target. The control plane tests an s3
// target by writing and deleting an object before it saves it.
func (c *Client) CreateTarget(ctx context.Context, t NewStorageTarget) (*StorageTarget, error) {
	var out StorageTarget
	if err := c.do(ctx, http.MethodPost, "/api/storage-targets", t, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListTargets returns every storage target, ordered by name.
func (c *Client) ListTargets(ctx context.Context) ([]StorageTarget, error) {
	var ts []StorageTarget
	if err := c.do(ctx, http.MethodGet, "/api/storage-targets", nil, &ts); err != nil {
		return nil, err
	}
	return ts, nil
}

// GetTarget returns a storage target by its id or its name.
func (c *Client) GetTarget(ctx context.Context, idOrName string) (*StorageTarget, error) {
	seg, err := segment("storage target id or name", idOrName)
	if err != nil {
		return nil, err
	}
	var t StorageTarget
	if err := c.do(ctx, http.MethodGet, "/api/storage-targets/"+seg, nil, &t); err != nil {
		return nil, err
	}
	return &t, nil
}

// DeleteTarget deletes a storage target that holds no backups and is no
// project's default.
func (c *Client) DeleteTarget(ctx context.Context, idOrName string) error {
	seg, err := segment("storage target id or name", idOrName)
	if err != nil {
		return err
	}
	return c.do(ctx, http.MethodDelete, "/api/storage-targets/"+seg, nil, nil)
}
