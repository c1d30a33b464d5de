package cli_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/cofferhq/coffer/controlplane/client"
	"github.com/cofferhq/coffer/controlplane/client/clienttest"
)

func TestProjectsSet(t *testing.T) {
	cp := clienttest.Start(t)
	mustRun(t, admin(cp, "projects", "create", "web")...)
	out := mustRun(t, admin(cp, "storage-targets", "create", "disk", "--type", "local",
		"--dir", "/srv", "-o", "json")...)
	var tg client.StorageTarget
	if err := json.Unmarshal([]byte(out), &tg); err != nil {
		t.Fatalf("decode target: %v", err)
	}

	out = mustRun(t, admin(cp, "projects", "set", "web", "--default-target", "disk",
		"--consistency", "stop")...)
	wantContains(t, out, "Consistency:", "stop", "Default target:", tg.ID)

	out = mustRun(t, admin(cp, "projects", "set", "web", "--default-target", "",
		"-o", "json")...)
	var p client.Project
	if err := json.Unmarshal([]byte(out), &p); err != nil || p.DefaultTargetID != nil ||
		p.Consistency != "stop" {
		t.Fatalf("clear target: got %q (%v), want no target and stop kept", out, err)
	}

	_, err := run(t, admin(cp, "projects", "set", "web")...)
	if err == nil || !strings.Contains(err.Error(), "nothing to change") {
		t.Errorf("set without flags: got %v, want a refusal", err)
	}
	_, err = run(t, admin(cp, "projects", "set", "web", "--consistency", "freeze")...)
	wantAPIError(t, err, http.StatusBadRequest)
	_, err = run(t, admin(cp, "projects", "set", "web", "--default-target", "nope")...)
	wantAPIError(t, err, http.StatusNotFound)
}
