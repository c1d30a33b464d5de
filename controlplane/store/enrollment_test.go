package store_test

import (
	"bytes"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cofferhq/coffer/controlplane/store"
	"github.com/cofferhq/coffer/ent"
	"github.com/cofferhq/coffer/ent/host"
)

func TestRedeemEnrollmentToken(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		tok, expires, err := s.CreateEnrollmentToken(t.Context(), time.Hour, epoch)
		mustNot(t, "CreateEnrollmentToken", err)
		if !strings.HasPrefix(tok, "cfe_") {
			t.Errorf("token %q: want prefix cfe_", tok)
		}
		if want := epoch.Add(time.Hour); !expires.Equal(want) {
			t.Errorf("expiry: got %v, want %v", expires, want)
		}

		in := newHost(t, "node-1")
		h, err := s.RedeemEnrollmentToken(t.Context(), tok, in, epoch)
		mustNot(t, "RedeemEnrollmentToken", err)
		checkNewHost(t, h, in)

		got, err := s.GetHost(t.Context(), h.ID)
		mustNot(t, "GetHost", err)
		checkNewHost(t, got, in)

		_, err = s.RedeemEnrollmentToken(t.Context(), tok, newHost(t, "node-2"), epoch)
		wantErr(t, "redeem a spent token", err, store.ErrTokenInvalid)
	})
}

func checkNewHost(t *testing.T, h *ent.Host, in store.NewHost) {
	t.Helper()
	if h.Name != in.Name || h.AgentVersion != in.AgentVersion {
		t.Errorf("host: got name %q version %q, want %q %q",
			h.Name, h.AgentVersion, in.Name, in.AgentVersion)
	}
	if !bytes.Equal(h.PublicKey, in.PublicKey) {
		t.Errorf("public key: got %x, want %x", h.PublicKey, in.PublicKey)
	}
	if h.Facts["os"] != "linux" || len(h.Facts) != len(in.Facts) {
		t.Errorf("facts: got %v, want %v", h.Facts, in.Facts)
	}
	if h.Status != host.StatusOffline || h.RevokedAt != nil {
		t.Errorf("state: got %s revoked %v, want offline and not revoked",
			h.Status, h.RevokedAt)
	}
	if !h.CreatedAt.Equal(epoch.Truncate(time.Microsecond)) {
		t.Errorf("created at: got %v, want %v", h.CreatedAt, epoch)
	}
}

func TestRedeemEnrollmentTokenExpired(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		tok, expires, err := s.CreateEnrollmentToken(t.Context(), time.Minute, epoch)
		mustNot(t, "CreateEnrollmentToken", err)

		_, err = s.RedeemEnrollmentToken(t.Context(), tok, newHost(t, "late"), expires)
		wantErr(t, "redeem at expiry", err, store.ErrTokenInvalid)

		_, err = s.RedeemEnrollmentToken(t.Context(), tok, newHost(t, "early"),
			expires.Add(-time.Microsecond))
		mustNot(t, "redeem just before expiry", err)
	})
}

func TestRedeemEnrollmentTokenUnknown(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		for _, tok := range []string{"", "cfe_unknown"} {
			_, err := s.RedeemEnrollmentToken(t.Context(), tok, newHost(t, "x"), epoch)
			wantErr(t, "redeem "+tok, err, store.ErrTokenInvalid)
		}
	})
}

func TestRedeemEnrollmentTokenDuplicateKey(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		first := enroll(t, s, "node-1")

		tok, _, err := s.CreateEnrollmentToken(t.Context(), time.Hour, epoch)
		mustNot(t, "CreateEnrollmentToken", err)
		dup := newHost(t, "node-2")
		dup.PublicKey = first.PublicKey
		_, err = s.RedeemEnrollmentToken(t.Context(), tok, dup, epoch)
		wantErr(t, "redeem with a known key", err, store.ErrConflict)

		// The failed redeem rolled back, so the token is still unspent.
		_, err = s.RedeemEnrollmentToken(t.Context(), tok, newHost(t, "node-2"), epoch)
		mustNot(t, "redeem after conflict", err)
	})
}

func TestRedeemEnrollmentTokenValidates(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		tok, _, err := s.CreateEnrollmentToken(t.Context(), time.Hour, epoch)
		mustNot(t, "CreateEnrollmentToken", err)

		bad := map[string]func(h *store.NewHost){
			"no name":   func(h *store.NewHost) { h.Name = "" },
			"short key": func(h *store.NewHost) { h.PublicKey = h.PublicKey[:31] },
			"no key":    func(h *store.NewHost) { h.PublicKey = nil },
			"big fact":  func(h *store.NewHost) { h.Facts["x"] = strings.Repeat("x", 5000) },
		}
		for what, spoil := range bad {
			h := newHost(t, "node")
			spoil(&h)
			_, err := s.RedeemEnrollmentToken(t.Context(), tok, h, epoch)
			wantErr(t, what, err, store.ErrInvalid)
		}
	})
}

func TestCreateEnrollmentTokenValidatesTTL(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		for _, ttl := range []time.Duration{0, -time.Second, store.MaxEnrollmentTTL + 1} {
			_, _, err := s.CreateEnrollmentToken(t.Context(), ttl, epoch)
			wantErr(t, "ttl "+ttl.String(), err, store.ErrInvalid)
		}
		_, _, err := s.CreateEnrollmentToken(t.Context(), store.MaxEnrollmentTTL, epoch)
		mustNot(t, "longest ttl", err)
	})
}

func TestRedeemEnrollmentTokenConcurrently(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *store.Store) {
		tok, _, err := s.CreateEnrollmentToken(t.Context(), time.Hour, epoch)
		mustNot(t, "CreateEnrollmentToken", err)

		const redeemers = 8
		hosts := make([]store.NewHost, redeemers)
		for i := range hosts {
			hosts[i] = newHost(t, "racer")
		}
		errs := make([]error, redeemers)
		var wg sync.WaitGroup
		for i := range redeemers {
			wg.Go(func() {
				_, errs[i] = s.RedeemEnrollmentToken(t.Context(), tok, hosts[i], epoch)
			})
		}
		wg.Wait()

		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, store.ErrTokenInvalid):
				t.Errorf("redeem: got error %v, want %v", err, store.ErrTokenInvalid)
			}
		}
		if won != 1 {
			t.Errorf("successful redeems: got %d, want 1", won)
		}
		hs, err := s.ListHosts(t.Context())
		mustNot(t, "ListHosts", err)
		if len(hs) != 1 {
			t.Errorf("hosts: got %d, want 1", len(hs))
		}
	})
}
