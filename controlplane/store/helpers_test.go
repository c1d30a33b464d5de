package store_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"testing"
	"time"

	"github.com/cofferhq/coffer/controlplane/store"
	"github.com/cofferhq/coffer/ent"
)

// epoch is the tests' clock; no test depends on the real time.
var epoch = time.Date(2031, 3, 14, 15, 9, 26, 535897000, time.UTC)

func newPublicKey(t *testing.T) ed25519.PublicKey {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatalf("generate key: %v", err)
	}
	return pub
}

func newHost(t *testing.T, name string) store.NewHost {
	t.Helper()
	return store.NewHost{
		Name:         name,
		PublicKey:    newPublicKey(t),
		AgentVersion: "0.1.0",
		Facts:        map[string]string{"os": "linux", "arch": "amd64"},
	}
}

// enroll registers a host through a fresh enrollment token.
func enroll(t *testing.T, s *store.Store, name string) *ent.Host {
	t.Helper()
	tok, _, err := s.CreateEnrollmentToken(t.Context(), time.Hour, epoch)
	if err != nil {
		t.Fatalf("CreateEnrollmentToken: %v", err)
	}
	h, err := s.RedeemEnrollmentToken(t.Context(), tok, newHost(t, name), epoch)
	if err != nil {
		t.Fatalf("RedeemEnrollmentToken: %v", err)
	}
	return h
}

func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: got error %v, want %v", what, err, want)
	}
}

func mustNot(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}
