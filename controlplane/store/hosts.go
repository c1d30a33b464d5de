package store

import (
	"context"
	"fmt"
	"time"

	"github.com/cofferhq/coffer/ent"
	"github.com/cofferhq/coffer/ent/host"
)

// GetHost returns a host by id. A revoked host is reported as not found:
// for every caller it no longer exists.
func (s *Store) GetHost(ctx context.Context, id string) (*ent.Host, error) {
	h, err := s.client.Host.Query().
		Where(host.ID(id), host.RevokedAtIsNil()).
		Only(ctx)
	if err != nil {
		return nil, fmt.Errorf("get host %s: %w", id, classify(err))
	}
	return h, nil
}

// ListHosts returns the hosts that are not revoked, oldest first.
func (s *Store) ListHosts(ctx context.Context) ([]*ent.Host, error) {
	hs, err := s.client.Host.Query().
		Where(host.RevokedAtIsNil()).
		Order(ent.Asc(host.FieldID)).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("list hosts: %w", classify(err))
	}
	return hs, nil
}

// RevokeHost hides a host and refuses its key from now on. The row stays so
// that what the host backed up keeps its owner.
func (s *Store) RevokeHost(ctx context.Context, id string, now time.Time) error {
	n, err := s.client.Host.Update().
		Where(host.ID(id), host.RevokedAtIsNil()).
		SetRevokedAt(dbTime(now)).
		SetStatus(host.StatusOffline).
		Save(ctx)
	return updated("revoke host "+id, n, err)
}

// MarkHostOnline records a new agent session and what the agent reported.
func (s *Store) MarkHostOnline(
	ctx context.Context, id, agentVersion string, facts map[string]string, now time.Time,
) error {
	if err := validateFacts(facts); err != nil {
		return fmt.Errorf("mark host %s online: %w", id, err)
	}

	n, err := s.client.Host.Update().
		Where(host.ID(id), host.RevokedAtIsNil()).
		SetStatus(host.StatusOnline).
		SetAgentVersion(agentVersion).
		SetFacts(nonNilMap(facts)).
		SetLastSeenAt(dbTime(now)).
		Save(ctx)
	return updated("mark host "+id+" online", n, err)
}

// MarkHostOffline records the end of a host's session. It applies to revoked
// hosts too, because revoking a host is what often ends its session.
func (s *Store) MarkHostOffline(ctx context.Context, id string, now time.Time) error {
	n, err := s.client.Host.Update().
		Where(host.ID(id)).
		SetStatus(host.StatusOffline).
		SetLastSeenAt(dbTime(now)).
		Save(ctx)
	return updated("mark host "+id+" offline", n, err)
}

// MarkAllHostsOffline resets every host at server start: no session
// survives a restart, and with a single replica no other server holds one.
func (s *Store) MarkAllHostsOffline(ctx context.Context) error {
	_, err := s.client.Host.Update().
		Where(host.StatusEQ(host.StatusOnline)).
		SetStatus(host.StatusOffline).
		Save(ctx)
	if err != nil {
		return fmt.Errorf("mark all hosts offline: %w", classify(err))
	}
	return nil
}

// updated turns the result of an update of one row into the store's errors:
// no row matched means the host is unknown or revoked.
func updated(what string, n int, err error) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, classify(err))
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return nil
}
