package store

import (
	"context"
	"fmt"
	"time"

	"github.com/cofferhq/coffer/controlplane/auth"
	"github.com/cofferhq/coffer/ent"
	"github.com/cofferhq/coffer/ent/apitoken"
)

// lastUsedResolution is how stale last_used_at may get. Recording every
// request would turn each API read into a database write.
const lastUsedResolution = time.Minute

// CreateAPIToken stores an API token under a name. The token itself comes
// from auth.NewToken or the operator; only its hash is kept.
func (s *Store) CreateAPIToken(
	ctx context.Context, name, token string, scopes []string,
) (*ent.APIToken, error) {
	if err := validateTokenInput(name, token, scopes); err != nil {
		return nil, fmt.Errorf("create api token: %w", err)
	}
	if scopes == nil {
		scopes = []string{}
	}

	t, err := s.client.APIToken.Create().
		SetName(name).
		SetTokenHash(auth.HashToken(token)).
		SetScopes(scopes).
		Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("create api token %q: %w", name, classify(err))
	}
	return t, nil
}

// AuthenticateAPIToken returns the stored token that token hashes to, and
// records that it was used.
func (s *Store) AuthenticateAPIToken(ctx context.Context, token string) (*ent.APIToken, error) {
	if token == "" {
		return nil, fmt.Errorf("authenticate api token: %w", ErrNotFound)
	}

	t, err := s.client.APIToken.Query().
		Where(apitoken.TokenHash(auth.HashToken(token))).
		Only(ctx)
	if err != nil {
		return nil, fmt.Errorf("authenticate api token: %w", classify(err))
	}

	now := dbTime(time.Now())
	if t.LastUsedAt != nil && now.Sub(*t.LastUsedAt) < lastUsedResolution {
		return t, nil
	}
	used, err := t.Update().SetLastUsedAt(now).Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("record use of api token %s: %w", t.ID, classify(err))
	}
	return used, nil
}
