package cli_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/cofferhq/coffer/controlplane/client/clienttest"
)

func TestEnrollTokenJSON(t *testing.T) {
	cp := clienttest.Start(t)

	before := time.Now()
	out := mustRun(t, admin(cp, "enroll-token", "create", "--ttl", "2h", "-o", "json")...)
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("got %q, want JSON: %v", out, err)
	}
	if len(got) != 3 || got["serverUrl"] == "" {
		t.Errorf("got fields %v, want token, expiresAt and serverUrl", got)
	}
	tok, _ := got["token"].(string)
	if !strings.HasPrefix(tok, "cfe_") {
		t.Errorf("got token %q, want prefix cfe_", tok)
	}
	exp, _ := got["expiresAt"].(string)
	at, err := time.Parse(time.RFC3339Nano, exp)
	if d := at.Sub(before); err != nil || d < 119*time.Minute || d > 121*time.Minute {
		t.Errorf("got expiresAt %q (%v), want about 2h from now", exp, err)
	}
}

func TestEnrollTokenTable(t *testing.T) {
	cp := clienttest.Start(t)

	out := mustRun(t, admin(cp, "enroll-token", "create")...)
	wantContains(t, out, "Token:", "cfe_", "Expires:", "in 59m",
		"COFFER_ENROLL_TOKEN=cfe_", "coffer-agent run --server "+cp.URL+"\n",
		"loopback address")

	out = mustRun(t, admin(cp, "enroll-token", "create",
		"--agent-server", "https://coffer.example.com")...)
	wantContains(t, out, "coffer-agent run --server https://coffer.example.com\n")
	if strings.Contains(out, "loopback") {
		t.Errorf("got a loopback note for a public URL:\n%s", out)
	}
}

func TestEnrollTokenTTLRefused(t *testing.T) {
	cp := clienttest.Start(t)

	_, err := run(t, admin(cp, "enroll-token", "create", "--ttl", "1000h")...)
	if err == nil || !strings.Contains(err.Error(), "ttlSeconds") {
		t.Fatalf("got error %v, want the API's ttl sentence", err)
	}
}
