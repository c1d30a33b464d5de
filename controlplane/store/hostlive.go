package store

import (
	"context"
	"fmt"
	"time"

	"github.com/cofferhq/coffer/ent/host"
)

// TouchHosts refreshes last_seen_at of the given hosts in one statement, so
// the cost of liveness does not grow with one write per agent.
func (s *Store) TouchHosts(ctx context.Context, ids []string, now time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := s.client.Host.Update().
		Where(host.IDIn(ids...), host.RevokedAtIsNil()).
		SetLastSeenAt(dbTime(now)).
		Save(ctx)
	if err != nil {
		return fmt.Errorf("touch %d hosts: %w", len(ids), classify(err))
	}
	return nil
}

// SetHostFact sets one fact of a live host, for what changes during a
// session, such as whether containerd answers.
func (s *Store) SetHostFact(ctx context.Context, id, key, value string) error {
	h, err := s.GetHost(ctx, id)
	if err != nil {
		return err
	}
	facts := make(map[string]string, len(h.Facts)+1)
	for k, v := range h.Facts {
		facts[k] = v
	}
	if facts[key] == value {
		return nil
	}
	facts[key] = value
	if err := validateFacts(facts); err != nil {
		return fmt.Errorf("set fact of host %s: %w", id, err)
	}
	n, err := s.client.Host.Update().
		Where(host.ID(id), host.RevokedAtIsNil()).
		SetFacts(facts).
		Save(ctx)
	return updated("set fact of host "+id, n, err)
}
