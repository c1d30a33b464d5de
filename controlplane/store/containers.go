package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/cofferhq/coffer/ent"
	"github.com/cofferhq/coffer/ent/container"
	"github.com/cofferhq/coffer/ent/host"
	"github.com/cofferhq/coffer/ent/predicate"
	"github.com/cofferhq/coffer/ent/schema"
	"github.com/cofferhq/coffer/protocol"
)

// projectLabel is the container label that assigns a container to a project
// by the project's name or id.
const projectLabel = "coffer.project"

// batchSize bounds the rows or keys of one statement, well below the bind
// parameter limits of SQLite (32766) and PostgreSQL (65535).
const batchSize = 200

// ReplaceContainers makes cs the complete inventory of a host: containers
// it does not list are deleted, the others inserted or updated in place so
// that their ids stay stable.
func (s *Store) ReplaceContainers(
	ctx context.Context, hostID string, cs []protocol.Container,
) error {
	cs, err := uniqueContainers(cs)
	if err != nil {
		return fmt.Errorf("replace containers of host %s: %w", hostID, err)
	}

	err = s.inTx(ctx, func(tx *ent.Tx) error {
		if err := requireLiveHost(ctx, tx, hostID); err != nil {
			return err
		}
		if err := deleteUnlisted(ctx, tx, hostID, cs); err != nil {
			return err
		}
		return upsertContainers(ctx, tx, hostID, cs)
	})
	if err != nil {
		return fmt.Errorf("replace containers of host %s: %w", hostID, err)
	}
	return nil
}

// ApplyContainerChanges applies a partial inventory: deleteKeys (as built by
// protocol.Container.Key) go first, so a container that was removed and
// created again under the same key ends up present.
func (s *Store) ApplyContainerChanges(
	ctx context.Context, hostID string, upserts []protocol.Container, deleteKeys []string,
) error {
	upserts, err := uniqueContainers(upserts)
	if err != nil {
		return fmt.Errorf("apply container changes of host %s: %w", hostID, err)
	}
	keys, err := parseContainerKeys(deleteKeys)
	if err != nil {
		return fmt.Errorf("apply container changes of host %s: %w", hostID, err)
	}

	err = s.inTx(ctx, func(tx *ent.Tx) error {
		if err := requireLiveHost(ctx, tx, hostID); err != nil {
			return err
		}
		if err := deleteByKeys(ctx, tx, hostID, keys); err != nil {
			return err
		}
		return upsertContainers(ctx, tx, hostID, upserts)
	})
	if err != nil {
		return fmt.Errorf("apply container changes of host %s: %w", hostID, err)
	}
	return nil
}

// ListHostContainers returns a live host's containers by namespace and name.
func (s *Store) ListHostContainers(ctx context.Context, hostID string) ([]*ent.Container, error) {
	if _, err := s.GetHost(ctx, hostID); err != nil {
		return nil, fmt.Errorf("list containers: %w", err)
	}

	cs, err := s.client.Container.Query().
		Where(container.HostID(hostID)).
		Order(ent.Asc(container.FieldNamespace), ent.Asc(container.FieldName),
			ent.Asc(container.FieldContainerID)).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("list containers of host %s: %w", hostID, classify(err))
	}
	return cs, nil
}

// ListProjectContainers returns the containers whose project label names p,
// by name or by id, on hosts that are not revoked.
func (s *Store) ListProjectContainers(
	ctx context.Context, p *ent.Project,
) ([]*ent.Container, error) {
	if p == nil {
		return nil, fmt.Errorf("list project containers: %w", invalid("no project given"))
	}

	cs, err := s.client.Container.Query().
		Where(
			container.ProjectLabelIn(p.Name, p.ID),
			container.HasHostWith(host.RevokedAtIsNil()),
		).
		Order(ent.Asc(container.FieldHostID), ent.Asc(container.FieldNamespace),
			ent.Asc(container.FieldName), ent.Asc(container.FieldContainerID)).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("list containers of project %s: %w", p.Name, classify(err))
	}
	return cs, nil
}

// requireLiveHost fails with ErrNotFound unless the host exists and is not
// revoked: a revoked agent's last messages must not change the inventory.
func requireLiveHost(ctx context.Context, tx *ent.Tx, hostID string) error {
	ok, err := tx.Host.Query().
		Where(host.ID(hostID), host.RevokedAtIsNil()).
		Exist(ctx)
	if err != nil {
		return fmt.Errorf("look up host: %w", classify(err))
	}
	if !ok {
		return fmt.Errorf("look up host: %w", ErrNotFound)
	}
	return nil
}

// deleteUnlisted deletes the host's containers that keep does not list.
func deleteUnlisted(
	ctx context.Context, tx *ent.Tx, hostID string, keep []protocol.Container,
) error {
	listed := make(map[containerKey]bool, len(keep))
	for _, c := range keep {
		listed[containerKey{c.Namespace, c.ID}] = true
	}

	rows, err := tx.Container.Query().
		Where(container.HostID(hostID)).
		Select(container.FieldID, container.FieldNamespace, container.FieldContainerID).
		All(ctx)
	if err != nil {
		return fmt.Errorf("list stored containers: %w", classify(err))
	}

	var gone []string
	for _, r := range rows {
		if !listed[containerKey{r.Namespace, r.ContainerID}] {
			gone = append(gone, r.ID)
		}
	}
	for batch := range slices.Chunk(gone, batchSize) {
		_, err := tx.Container.Delete().Where(container.IDIn(batch...)).Exec(ctx)
		if err != nil {
			return fmt.Errorf("delete containers: %w", classify(err))
		}
	}
	return nil
}

// deleteByKeys deletes the host's containers named by keys.
func deleteByKeys(ctx context.Context, tx *ent.Tx, hostID string, keys []containerKey) error {
	for batch := range slices.Chunk(keys, batchSize) {
		match := make([]predicate.Container, len(batch))
		for i, k := range batch {
			match[i] = container.And(container.Namespace(k.namespace),
				container.ContainerID(k.id))
		}

		_, err := tx.Container.Delete().
			Where(container.HostID(hostID), container.Or(match...)).
			Exec(ctx)
		if err != nil {
			return fmt.Errorf("delete containers: %w", classify(err))
		}
	}
	return nil
}

// upsertContainers inserts cs, updating the rows that already exist. cs must
// hold each key once: one statement cannot update a row twice.
func upsertContainers(
	ctx context.Context, tx *ent.Tx, hostID string, cs []protocol.Container,
) error {
	for batch := range slices.Chunk(cs, batchSize) {
		creates := make([]*ent.ContainerCreate, len(batch))
		for i, c := range batch {
			creates[i] = containerCreate(tx, hostID, c)
		}

		err := tx.Container.CreateBulk(creates...).
			OnConflictColumns(container.FieldHostID, container.FieldNamespace,
				container.FieldContainerID).
			UpdateNewValues().
			Exec(ctx)
		if err != nil {
			return fmt.Errorf("upsert containers: %w", classify(err))
		}
	}
	return nil
}

// containerCreate builds the row for c. Its creation time is the one
// containerd reports, when the agent knows it.
func containerCreate(tx *ent.Tx, hostID string, c protocol.Container) *ent.ContainerCreate {
	labels := c.Labels
	if labels == nil {
		labels = map[string]string{}
	}
	mounts := make([]schema.Mount, len(c.Mounts))
	for i, m := range c.Mounts {
		mounts[i] = schema.Mount{Source: m.Source, Destination: m.Destination, Type: m.Type}
	}

	create := tx.Container.Create().
		SetHostID(hostID).
		SetNamespace(c.Namespace).
		SetContainerID(c.ID).
		SetName(c.Name).
		SetImage(c.Image).
		SetLabels(labels).
		SetState(string(c.State)).
		SetMounts(mounts).
		SetProjectLabel(labels[projectLabel])
	if !c.CreatedAt.IsZero() {
		create.SetCreatedAt(dbTime(c.CreatedAt))
	}
	return create
}

// containerKey identifies a container on one host.
type containerKey struct {
	namespace, id string
}

// uniqueContainers validates cs and drops all but the last report of each
// container, as the last one is the most recent.
func uniqueContainers(cs []protocol.Container) ([]protocol.Container, error) {
	last := make(map[containerKey]int, len(cs))
	for i, c := range cs {
		if err := validateKeyPart("container namespace", c.Namespace); err != nil {
			return nil, err
		}
		if err := validateKeyPart("container id", c.ID); err != nil {
			return nil, err
		}
		last[containerKey{c.Namespace, c.ID}] = i
	}

	out := make([]protocol.Container, 0, len(last))
	for i, c := range cs {
		if last[containerKey{c.Namespace, c.ID}] == i {
			out = append(out, c)
		}
	}
	return out, nil
}

// parseContainerKeys splits keys of the form namespace/id. Neither part may
// hold a slash: containerd allows none in namespaces or container ids.
func parseContainerKeys(keys []string) ([]containerKey, error) {
	out := make([]containerKey, 0, len(keys))
	for _, k := range keys {
		ns, id, ok := strings.Cut(k, "/")
		if !ok || validateKeyPart("namespace", ns) != nil || validateKeyPart("id", id) != nil {
			return nil, invalid("container key %q is not of the form namespace/id", k)
		}
		out = append(out, containerKey{ns, id})
	}
	return out, nil
}

func validateKeyPart(what, s string) error {
	if s == "" || strings.Contains(s, "/") {
		return invalid("%s %q is empty or contains '/'", what, s)
	}
	return validateText(what, s, 255)
}
