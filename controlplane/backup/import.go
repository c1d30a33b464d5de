package backup

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"strings"

	"github.com/cofferhq/coffer/controlplane/backup/manifest"
	"github.com/cofferhq/coffer/controlplane/storage"
	"github.com/cofferhq/coffer/controlplane/store"
	"github.com/cofferhq/coffer/ent"
)

// Import rebuilds the catalog from a target's bucket: every manifest under
// the target's prefix becomes a backup record, unless one with its id is
// already there. A manifest that cannot be read or trusted is skipped and
// logged; the others are imported all the same.
func (r *Runner) Import(ctx context.Context, targetID string) (imported, skipped int,
	err error) {
	t, err := r.store.GetTarget(ctx, targetID)
	if err != nil {
		return 0, 0, fmt.Errorf("import catalog: %w", err)
	}
	res, err := r.openTarget(t)
	if err != nil {
		return 0, 0, fmt.Errorf("import catalog of %s: %w", t.Name, err)
	}
	if res.S3 == nil {
		return 0, 0, fmt.Errorf("import catalog of %s: %w", t.Name, ErrLocalObjects)
	}

	keys, err := manifestKeys(ctx, res.S3, t.Prefix)
	if err != nil {
		return 0, 0, fmt.Errorf("import catalog of %s: %w: %w", t.Name, ErrStorage, err)
	}
	log := r.log.With().Str("target", t.Name).Logger()
	for _, key := range keys {
		created, err := r.importManifest(ctx, t, res.S3, key)
		switch {
		case err != nil:
			log.Warn().Err(err).Str("key", key).Msg("manifest skipped")
			skipped++
		case created:
			imported++
		default:
			skipped++
		}
	}
	log.Info().Int("imported", imported).Int("skipped", skipped).Msg("catalog imported")
	return imported, skipped, nil
}

// manifestKeys lists the keys of the form <prefix>/<project>/<id>/manifest.json.
func manifestKeys(ctx context.Context, target storage.Target, prefix string) (
	[]string, error) {
	root := strings.Trim(prefix, "/")
	if root != "" {
		root += "/"
	}
	objects, err := target.List(ctx, root)
	if err != nil {
		return nil, err
	}

	var keys []string
	for _, o := range objects {
		rest := strings.Split(strings.TrimPrefix(o.Key, root), "/")
		if len(rest) == 3 && rest[2] == storage.ManifestName {
			keys = append(keys, o.Key)
		}
	}
	return keys, nil
}

// importManifest reads one manifest and records its backup.
func (r *Runner) importManifest(ctx context.Context, t *ent.StorageTarget,
	target storage.Target, key string) (bool, error) {
	body, err := target.Get(ctx, key)
	if err != nil {
		return false, err
	}
	m, err := manifest.Decode(bytes.NewReader(body))
	if err != nil {
		return false, err
	}

	dir := path.Dir(key)
	if path.Base(dir) != m.BackupID {
		return false, fmt.Errorf("check manifest %s: %w: it describes backup %s",
			key, manifest.ErrInvalid, m.BackupID)
	}
	for _, it := range m.Items {
		if path.Dir(it.Key) != dir {
			return false, fmt.Errorf("check manifest %s: %w: item key %s lies elsewhere",
				key, manifest.ErrInvalid, it.Key)
		}
	}

	b := imported(m, r.localProjectID(ctx, m.Project), t.ID, key)
	return r.store.ImportBackup(ctx, b)
}

// localProjectID maps the manifest's project to one known here: by id,
// else by name. A project unknown here keeps the manifest's id, so its
// backups are listed as soon as a project takes it over.
func (r *Runner) localProjectID(ctx context.Context, ref manifest.Ref) string {
	if p, err := r.store.GetProject(ctx, ref.ID); err == nil {
		return p.ID
	}
	if p, err := r.store.GetProject(ctx, ref.Name); err == nil {
		return p.ID
	}
	return ref.ID
}

// imported turns a checked manifest into the store's import record.
func imported(m *manifest.Manifest, projectID, targetID, key string) store.ImportedBackup {
	completed := m.CompletedAt
	b := store.ImportedBackup{
		ID: m.BackupID, ProjectID: projectID, TargetID: targetID, Name: m.Name,
		Status: m.Status, Size: m.Size, Error: m.Error, Path: path.Dir(key) + "/",
		S3Key: key, CreatedAt: m.CreatedAt, CompletedAt: &completed,
	}
	if completed.IsZero() {
		b.CompletedAt = nil
	}
	for _, it := range m.Items {
		ii := store.ImportedItem{
			ID: it.ID,
			NewBackupItem: store.NewBackupItem{
				Kind: it.Kind, HostID: it.Host.ID, SourcePath: it.SourcePath, ObjectKey: it.Key,
			},
			SHA256: it.SHA256, Status: it.Status, Error: it.Error, Size: it.Size,
			SourceBytes: it.SourceBytes, Files: it.Files, DurationMs: it.DurationMs,
		}
		if c := it.Container; c != nil {
			ii.ContainerNamespace, ii.ContainerID, ii.ContainerName = c.Namespace, c.ID, c.Name
		}
		b.Items = append(b.Items, ii)
	}
	return b
}
