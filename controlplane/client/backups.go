package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// CreateBackup starts a backup of a project (by id or name) to a storage
// target, or to the project's default target when targetID is empty. The
// backup comes back PENDING; it runs on the control plane.
func (c *Client) CreateBackup(ctx context.Context, projectID, targetID string) (
	*Backup, error) {
	in := struct {
		ProjectID string `json:"projectId"`
		TargetID  string `json:"targetId,omitempty"`
	}{ProjectID: projectID, TargetID: targetID}
	var b Backup
	if err := c.do(ctx, http.MethodPost, "/api/backups", in, &b); err != nil {
		return nil, err
	}
	return &b, nil
}

// listPage is the page size ListBackups asks for: the largest the control
// plane gives.
const listPage = 1000

// ListBackups returns every backup, or a project's when projectID (an id
// or a name) is not empty, newest first. It reads page after page.
func (c *Client) ListBackups(ctx context.Context, projectID string) ([]Backup, error) {
	var all []Backup
	before := ""
	for {
		q := url.Values{"limit": {strconv.Itoa(listPage)}}
		if projectID != "" {
			q.Set("projectId", projectID)
		}
		if before != "" {
			q.Set("before", before)
		}
		var bs []Backup
		if err := c.do(ctx, http.MethodGet, "/api/backups?"+q.Encode(), nil, &bs); err != nil {
			return nil, err
		}
		all = append(all, bs...)
		if len(bs) < listPage {
			return all, nil
		}
		before = bs[len(bs)-1].ID
	}
}

// GetBackup returns a backup with its items.
func (c *Client) GetBackup(ctx context.Context, id string) (*Backup, error) {
	seg, err := segment("backup id", id)
	if err != nil {
		return nil, err
	}
	var b Backup
	if err := c.do(ctx, http.MethodGet, "/api/backups/"+seg, nil, &b); err != nil {
		return nil, err
	}
	return &b, nil
}

// DeleteBackup deletes a backup's stored objects and then its record.
func (c *Client) DeleteBackup(ctx context.Context, id string) error {
	seg, err := segment("backup id", id)
	if err != nil {
		return err
	}
	return c.do(ctx, http.MethodDelete, "/api/backups/"+seg, nil, nil)
}

// RestoreBackup starts restoring a completed backup's items. The restore
// comes back PENDING.
func (c *Client) RestoreBackup(ctx context.Context, id string, req RestoreRequest) (
	*Restore, error) {
	seg, err := segment("backup id", id)
	if err != nil {
		return nil, err
	}
	var r Restore
	if err := c.do(ctx, http.MethodPost, "/api/backups/"+seg+"/restore", req, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// GetRestore returns a restore and the results of its items.
func (c *Client) GetRestore(ctx context.Context, id string) (*Restore, error) {
	seg, err := segment("restore id", id)
	if err != nil {
		return nil, err
	}
	var r Restore
	if err := c.do(ctx, http.MethodGet, "/api/restores/"+seg, nil, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// ImportCatalog rebuilds backup records from the manifests in a storage
// target's bucket.
func (c *Client) ImportCatalog(ctx context.Context, targetID string) (*ImportResult, error) {
	seg, err := segment("storage target id", targetID)
	if err != nil {
		return nil, err
	}
	var res ImportResult
	path := "/api/storage-targets/" + seg + "/import"
	if err := c.do(ctx, http.MethodPost, path, nil, &res); err != nil {
		return nil, err
	}
	return &res, nil
}
