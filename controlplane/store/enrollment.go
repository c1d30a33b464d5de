package store

import (
	"context"
	"fmt"
	"time"

	"github.com/cofferhq/coffer/controlplane/auth"
	"github.com/cofferhq/coffer/ent"
	"github.com/cofferhq/coffer/ent/enrollmenttoken"
)

// NewHost is what an agent registers when it spends an enrollment token.
type NewHost struct {
	Name         string
	PublicKey    []byte
	AgentVersion string
	Facts        map[string]string
}

// CreateEnrollmentToken creates a one-time token valid for ttl from now. The
// token is returned once; only its hash is stored.
func (s *Store) CreateEnrollmentToken(
	ctx context.Context, ttl time.Duration, now time.Time,
) (string, time.Time, error) {
	if err := validateTTL(ttl); err != nil {
		return "", time.Time{}, fmt.Errorf("create enrollment token: %w", err)
	}

	tok, err := auth.NewToken(auth.EnrollmentTokenPrefix)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("create enrollment token: %w", err)
	}

	expiresAt := dbTime(now.Add(ttl))
	err = s.client.EnrollmentToken.Create().
		SetTokenHash(auth.HashToken(tok)).
		SetExpiresAt(expiresAt).
		SetCreatedAt(dbTime(now)).
		Exec(ctx)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("create enrollment token: %w", classify(err))
	}
	return tok, expiresAt, nil
}

// RedeemEnrollmentToken spends a token and registers the host in one
// transaction: either the token is spent and the host exists, or neither.
func (s *Store) RedeemEnrollmentToken(
	ctx context.Context, token string, h NewHost, now time.Time,
) (*ent.Host, error) {
	if err := validateNewHost(h); err != nil {
		return nil, fmt.Errorf("redeem enrollment token: %w", err)
	}

	var created *ent.Host
	err := s.inTx(ctx, func(tx *ent.Tx) error {
		tokenID, err := spendToken(ctx, tx, token, now)
		if err != nil {
			return err
		}

		created, err = tx.Host.Create().
			SetName(h.Name).
			SetPublicKey(h.PublicKey).
			SetAgentVersion(h.AgentVersion).
			SetFacts(nonNilMap(h.Facts)).
			SetCreatedAt(dbTime(now)).
			Save(ctx)
		if err != nil {
			return fmt.Errorf("create host: %w", classify(err))
		}

		err = tx.EnrollmentToken.UpdateOneID(tokenID).SetHostID(created.ID).Exec(ctx)
		if err != nil {
			return fmt.Errorf("record host of enrollment token: %w", classify(err))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("redeem enrollment token: %w", err)
	}
	return created, nil
}

// spendToken marks the token used and returns its id, or ErrTokenInvalid.
func spendToken(ctx context.Context, tx *ent.Tx, token string, now time.Time) (string, error) {
	t, err := tx.EnrollmentToken.Query().
		Where(enrollmenttoken.TokenHash(auth.HashToken(token))).
		Only(ctx)
	if ent.IsNotFound(err) {
		return "", ErrTokenInvalid
	}
	if err != nil {
		return "", fmt.Errorf("look up enrollment token: %w", classify(err))
	}
	if t.UsedAt != nil || !now.Before(t.ExpiresAt) {
		return "", ErrTokenInvalid
	}

	// The condition on used_at decides between concurrent redeems. On
	// PostgreSQL the loser blocks on the row lock, re-reads the committed
	// row and updates nothing; on SQLite transactions are serialised.
	n, err := tx.EnrollmentToken.Update().
		Where(enrollmenttoken.ID(t.ID), enrollmenttoken.UsedAtIsNil()).
		SetUsedAt(dbTime(now)).
		Save(ctx)
	if err != nil {
		return "", fmt.Errorf("spend enrollment token: %w", classify(err))
	}
	if n == 0 {
		return "", ErrTokenInvalid
	}
	return t.ID, nil
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
