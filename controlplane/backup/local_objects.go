package backup

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/cofferhq/coffer/controlplane/hub"
	"github.com/cofferhq/coffer/controlplane/storage"
	"github.com/cofferhq/coffer/ent"
	"github.com/cofferhq/coffer/protocol"
)

// localObjectsTimeout bounds one agent's write of a manifest or delete of
// a backup's files in a local target.
const localObjectsTimeout = 2 * time.Minute

// ErrHostOffline means a host that holds a local backup's files is not
// connected, so its files could not be reached.
var ErrHostOffline = errors.New("a host of the backup is offline")

// byHost groups items by the host that holds them, keeping the order in
// which hosts first appear.
func byHost(items []*ent.BackupItem) (order []string, groups map[string][]*ent.BackupItem) {
	groups = make(map[string][]*ent.BackupItem)
	for _, it := range items {
		if groups[it.HostID] == nil {
			order = append(order, it.HostID)
		}
		groups[it.HostID] = append(groups[it.HostID], it)
	}
	return order, groups
}

// writeLocalManifest writes the manifest into the target's directory on
// every host that holds items of the backup: each host's disk holds its
// own items, and its copy of the manifest is what rebuilds the catalog
// from that disk. A host that cannot take it fails the write.
//
// The copies are written one after the other; when a later host fails,
// the earlier copies stay and describe the backup as it was decided
// before the write, as an S3 manifest would.
func (r *Runner) writeLocalManifest(ctx context.Context, j *job, b *ent.Backup, key string,
	body []byte) error {
	if len(body) > protocol.MaxObjectSize {
		return fail(fmt.Sprintf("it has %d bytes, more than the %d an agent accepts",
			len(body), protocol.MaxObjectSize), nil)
	}
	req := protocol.PutObjectRequest{
		Object:  protocol.LocalObject{Target: protocol.LocalTarget{Dir: j.res.LocalDir}, Key: key},
		Content: body,
	}

	hosts, _ := byHost(b.Edges.Items)
	names := r.hostNames(ctx, b.Edges.Items)
	var msgs []string
	var errs []error
	for _, hostID := range hosts {
		var out protocol.PutObjectResult
		err := r.callHost(ctx, hostID, protocol.OpPutObject, req, &out)
		if err != nil {
			msgs = append(msgs, hostSentence(names[hostID], err))
			errs = append(errs, fmt.Errorf("write manifest on host %s: %w", hostID, err))
		}
	}
	if len(errs) > 0 {
		return fail(strings.Join(msgs, "; "), errors.Join(errs...))
	}
	return nil
}

// deleteLocal has every host that holds items of the backup delete its
// files and its copy of the manifest. Hosts that cannot are named in the
// error; the others delete all the same, and a second attempt finds
// their files gone, which is not an error.
func (r *Runner) deleteLocal(ctx context.Context, localDir string, b *ent.Backup) error {
	hosts, groups := byHost(b.Edges.Items)
	names := r.hostNames(ctx, b.Edges.Items)
	var msgs []string
	var errs []error
	for _, hostID := range hosts {
		req := protocol.DeleteObjectsRequest{
			Target: protocol.LocalTarget{Dir: localDir}, Keys: localKeys(b.ID, groups[hostID]),
		}
		var out protocol.DeleteObjectsResult
		err := r.callHost(ctx, hostID, protocol.OpDeleteObjects, req, &out)
		switch {
		case errors.Is(err, ErrHostOffline):
			msgs = append(msgs, "host "+names[hostID]+" is offline; its files were not deleted")
			errs = append(errs, err)
		case err != nil:
			msgs = append(msgs, hostSentence(names[hostID], err))
			errs = append(errs, fmt.Errorf("delete files on host %s: %w: %w",
				hostID, ErrStorage, err))
		}
	}
	if len(errs) > 0 {
		return fail(strings.Join(msgs, "; "), errors.Join(errs...))
	}
	return nil
}

// localKeys are the keys of a host's items, then the manifest's beside
// them. Only a directory named for the backup holds a manifest of it.
func localKeys(backupID string, items []*ent.BackupItem) []string {
	var keys, manifests []string
	seen := make(map[string]bool)
	for _, it := range items {
		keys = append(keys, it.ObjectKey)
		dir := path.Dir(it.ObjectKey)
		if path.Base(dir) == backupID && !seen[dir] {
			seen[dir] = true
			manifests = append(manifests, path.Join(dir, storage.ManifestName))
		}
	}
	return append(keys, manifests...)
}

// callHost runs one short operation on a host, bounded in time. A host
// that is not connected fails with ErrHostOffline.
func (r *Runner) callHost(ctx context.Context, hostID string, op protocol.Op, req,
	resp any) error {
	if !r.agents.Online(hostID) {
		return fmt.Errorf("call %s on host %s: %w", op, hostID, ErrHostOffline)
	}
	ctx, cancel := context.WithTimeout(ctx, localObjectsTimeout)
	defer cancel()
	err := r.agents.Call(ctx, hostID, op, req, resp, nil)
	if errors.Is(err, hub.ErrHostOffline) {
		return fmt.Errorf("%w: %w", ErrHostOffline, err)
	}
	return err
}

// hostSentence says what went wrong on a host, naming it.
func hostSentence(name string, err error) string {
	if errors.Is(err, ErrHostOffline) {
		return "host " + name + " is offline"
	}
	return "host " + name + " failed: " + sentence(err)
}
