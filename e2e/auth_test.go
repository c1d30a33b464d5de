package e2e_test

import (
	"crypto/ed25519"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/cofferhq/coffer/agent/identity"
	"github.com/cofferhq/coffer/protocol"
)

// TestAgentAuthentication needs no containerd: the agent connects even when
// it cannot reach it.
func TestAgentAuthentication(t *testing.T) {
	c := newCluster(t)

	t.Run("api call without a token is refused", func(t *testing.T) {
		anon := &api{t: t, base: c.url(), client: c.api.client}
		if code := anon.do("GET", "/api/projects", nil, nil); code != 401 {
			t.Errorf("GET /api/projects without token: got %d, want 401", code)
		}
		bad := &api{t: t, base: c.url(), token: "cft_wrong", client: c.api.client}
		if code := bad.do("GET", "/api/hosts", nil, nil); code != 401 {
			t.Errorf("GET /api/hosts with a wrong token: got %d, want 401", code)
		}
	})

	t.Run("enrollment token works once", func(t *testing.T) {
		tok := c.enrollmentToken(0)
		if _, err := enroll(c, tok); err != nil {
			t.Fatalf("first enrollment: %v", err)
		}
		_, err := enroll(c, tok)
		if err == nil {
			t.Fatal("second enrollment with the same token: got success, want refusal")
		}
	})

	t.Run("expired enrollment token is refused", func(t *testing.T) {
		tok := c.enrollmentToken(1)
		time.Sleep(1100 * time.Millisecond)
		if _, err := enroll(c, tok); err == nil {
			t.Fatal("enrollment with an expired token: got success, want refusal")
		}
	})

	t.Run("upgrade without valid credentials gets 401 and no session", func(t *testing.T) {
		id, err := enroll(c, c.enrollmentToken(0))
		if err != nil {
			t.Fatal(err)
		}
		_, stranger, _ := ed25519.GenerateKey(nil)
		fresh := protocol.SignConnect(id.Key, id.HostID, time.Now())
		cases := map[string]http.Header{
			"no headers":   {},
			"foreign key":  protocol.SignConnect(stranger, id.HostID, time.Now()),
			"unknown host": protocol.SignConnect(id.Key, "01unknownhost", time.Now()),
			"stale":        protocol.SignConnect(id.Key, id.HostID, time.Now().Add(-time.Hour)),
		}
		for name, h := range cases {
			assertRefused(t, c, name, h)
		}

		if err := dial(c, fresh); err != nil {
			t.Fatalf("dial with a valid proof: %v", err)
		}
		assertRefused(t, c, "replayed proof", fresh)
		if got := c.api.metric("coffer_agents_connected"); got != "0" {
			t.Errorf("coffer_agents_connected = %q, want 0", got)
		}
	})
}

func assertRefused(t *testing.T, c *cluster, name string, h http.Header) {
	t.Helper()
	err := dial(c, h)
	var de *protocol.DialError
	if !errors.As(err, &de) || de.StatusCode != http.StatusUnauthorized {
		t.Errorf("%s: dial got %v, want status 401", name, err)
	}
}

func enroll(c *cluster, token string) (*identity.Identity, error) {
	return identity.Enroll(c.t.Context(), identity.EnrollRequest{
		ServerURL: c.url(), Token: token, StateDir: c.t.TempDir(), Name: "probe",
		AgentVersion: "test",
	})
}
