package store_test

import (
	"slices"
	"testing"

	"github.com/cofferhq/coffer/controlplane/auth"
	"github.com/cofferhq/coffer/controlplane/store"
)

func TestAPITokens(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		tok, err := auth.NewToken(auth.APITokenPrefix)
		mustNot(t, "NewToken", err)
		created, err := s.CreateAPIToken(t.Context(), "admin", tok, []string{"admin"})
		mustNot(t, "CreateAPIToken", err)
		if created.TokenHash != auth.HashToken(tok) {
			t.Errorf("stored hash: got %q, want the token's hash", created.TokenHash)
		}

		got, err := s.AuthenticateAPIToken(t.Context(), tok)
		mustNot(t, "AuthenticateAPIToken", err)
		if got.ID != created.ID || !slices.Equal(got.Scopes, []string{"admin"}) {
			t.Errorf("authenticated: got %s %v, want %s [admin]", got.ID, got.Scopes, created.ID)
		}
		if got.LastUsedAt == nil {
			t.Error("last used: got nil, want set")
		}
	})
}

func TestAuthenticateAPITokenUnknown(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		tok, err := auth.NewToken(auth.APITokenPrefix)
		mustNot(t, "NewToken", err)
		_, err = s.CreateAPIToken(t.Context(), "ci", tok, nil)
		mustNot(t, "CreateAPIToken", err)

		for _, guess := range []string{"", "cft_nope", auth.HashToken(tok), tok + "x"} {
			_, err := s.AuthenticateAPIToken(t.Context(), guess)
			wantErr(t, "authenticate "+guess, err, store.ErrNotFound)
		}
	})
}

func TestCreateAPITokenRejects(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		_, err := s.CreateAPIToken(t.Context(), "", "cft_x", nil)
		wantErr(t, "empty name", err, store.ErrInvalid)
		_, err = s.CreateAPIToken(t.Context(), "a", "", nil)
		wantErr(t, "empty token", err, store.ErrInvalid)
		_, err = s.CreateAPIToken(t.Context(), "a", "cft_x", []string{""})
		wantErr(t, "empty scope", err, store.ErrInvalid)

		_, err = s.CreateAPIToken(t.Context(), "a", "cft_x", nil)
		mustNot(t, "CreateAPIToken", err)
		_, err = s.CreateAPIToken(t.Context(), "b", "cft_x", nil)
		wantErr(t, "same token twice", err, store.ErrConflict)
	})
}
