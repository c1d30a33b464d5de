package e2e_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/cofferhq/coffer/agent/identity"
	"github.com/cofferhq/coffer/protocol"
)

type container struct {
	ID        string            `json:"id"`
	HostID    string            `json:"hostId"`
	Namespace string            `json:"namespace"`
	Name      string            `json:"name"`
	Image     string            `json:"image"`
	Labels    map[string]string `json:"labels"`
	State     string            `json:"state"`
	Mounts    []struct {
		Source      string `json:"source"`
		Destination string `json:"destination"`
		Type        string `json:"type"`
	} `json:"mounts"`
}

func (c *cluster) projectContainers(project string) []container {
	var cs []container
	if code := c.api.do("GET", "/api/projects/"+project+"/containers", nil, &cs); code != 200 {
		c.t.Fatalf("list project containers: got status %d, want 200", code)
	}
	return cs
}

func (c *cluster) waitContainer(project, id string, cond func(*container) bool) {
	c.t.Helper()
	eventually(c.t, 5*time.Second, "container "+id+" in project "+project, func() bool {
		for _, ct := range c.projectContainers(project) {
			if ct.ID == id {
				return cond(&ct)
			}
		}
		return cond(nil)
	})
}

// TestAgentLifecycle walks one agent through enrollment, live inventory,
// a control plane restart and revocation.
func TestAgentLifecycle(t *testing.T) {
	ns := testNamespace(t)
	c := newCluster(t)

	var project struct{ ID string }
	shop := map[string]string{"name": "shop"}
	if code := c.api.do("POST", "/api/projects", shop, &project); code != 201 {
		t.Fatalf("create project: got status %d, want 201", code)
	}

	agent := c.startAgent(ns)
	c.waitStatus(agent.hostID, "online", 10*time.Second)
	h, _ := c.host(agent.hostID)
	if h.Name != "e2e-host" || h.AgentVersion == "" || h.Facts["os"] != "linux" {
		t.Errorf("host = %+v, want name e2e-host, an agent version and os linux", h)
	}

	t.Run("container appears and follows its state", func(t *testing.T) {
		volume := t.TempDir()
		ctr(t, ns, "run", "-d", "--label", "coffer.project=shop",
			"--mount", "type=bind,src="+volume+",dst=/data,options=rbind:rw",
			"coffer.test/busybox:latest", "web", "sleep", "3600")

		c.waitContainer(project.ID, "web", func(ct *container) bool {
			return ct != nil && ct.State == "running" && ct.HostID == agent.hostID &&
				hasMount(ct, volume, "/data")
		})
		c.waitContainer("shop", "web", func(ct *container) bool { return ct != nil })

		ctr(t, ns, "task", "kill", "-s", "KILL", "web")
		c.waitContainer(project.ID, "web", func(ct *container) bool {
			return ct != nil && ct.State == "stopped"
		})

		ctr(t, ns, "task", "rm", "web")
		ctr(t, ns, "container", "rm", "web")
		c.waitContainer(project.ID, "web", func(ct *container) bool { return ct == nil })
	})

	t.Run("agent reconnects after a control plane restart", func(t *testing.T) {
		c.server.stop()
		if code := c.server.exitCode(); code != 0 {
			t.Errorf("coffer serve exit code = %d, want 0 after SIGTERM", code)
		}
		c.startServer()
		c.waitStatus(agent.hostID, "online", 20*time.Second)
	})

	t.Run("revoked host is cut off and cannot reconnect", func(t *testing.T) {
		if code := c.api.do("DELETE", "/api/hosts/"+agent.hostID, nil, nil); code != 204 {
			t.Fatalf("revoke host: got status %d, want 204", code)
		}
		eventually(t, 5*time.Second, "no agent connected", func() bool {
			return c.api.metric("coffer_agents_connected") == "0"
		})
		if _, code := c.host(agent.hostID); code != 404 {
			t.Errorf("get revoked host: got status %d, want 404", code)
		}

		id, err := identity.Load(agent.stateDir)
		if err != nil {
			t.Fatal(err)
		}
		err = dial(c, protocol.SignConnect(id.Key, id.HostID, time.Now()))
		var de *protocol.DialError
		if !errors.As(err, &de) || de.StatusCode != http.StatusUnauthorized {
			t.Errorf("dial with revoked key: got %v, want status 401", err)
		}
	})
}

func hasMount(ct *container, source, destination string) bool {
	for _, m := range ct.Mounts {
		if m.Source == source && m.Destination == destination {
			return true
		}
	}
	return false
}

func dial(c *cluster, header http.Header) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	sess, err := protocol.Dial(ctx, identity.ConnectURL(c.url()), header, nil)
	if err == nil {
		_ = sess.Close()
	}
	return err
}
