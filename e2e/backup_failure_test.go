package e2e_test

import (
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cofferhq/coffer/agent/archive/archivetest"
)

// failureFixture is a project with one running container whose volume
// needs several parts, stored through a fault proxy.
type failureFixture struct {
	c         *cluster
	ns        string
	projectID string
	prefix    string
	proxy     *faultProxy
	s3        *s3Env
	agent     *agentProc
	volume    string
}

func newFailureFixture(t *testing.T, env ...string) *failureFixture {
	t.Helper()
	f := &failureFixture{s3: requireS3(t), ns: testNamespace(t)}
	f.c = newClusterEnv(t, env...)
	f.proxy = newFaultProxy(t, f.s3.Endpoint)
	f.projectID = f.c.createProject("shop")
	f.prefix = f.c.s3Target(f.s3, f.proxy.URL, f.projectID)

	f.volume = t.TempDir()
	archivetest.Generate(t, f.volume, archivetest.Options{
		Files: 200, RandomSize: 40 << 20, Seed: 3,
	})
	f.agent = f.c.startAgent(f.ns)
	f.c.waitStatus(f.agent.hostID, "online", 10*time.Second)
	runContainer(t, f.ns, "shop", "web", f.volume)
	f.c.waitContainer(f.projectID, "web", func(ct *container) bool { return ct != nil })
	return f
}

// waitPaused waits until the backup has paused the container.
func (f *failureFixture) waitPaused(t *testing.T) {
	t.Helper()
	eventually(t, 30*time.Second, "container paused by the backup", func() bool {
		return containerState(t, f.ns, "web") == "PAUSED"
	})
}

func TestBackupStorageRefusesMidUpload(t *testing.T) {
	f := newFailureFixture(t)
	f.proxy.delay.Store(int64(300 * time.Millisecond))
	b := f.c.startBackup(f.projectID)
	eventually(t, 30*time.Second, "first part uploaded", func() bool {
		return f.proxy.parts.Load() >= 1
	})
	f.proxy.failParts.Store(true)

	b = f.c.waitBackup(b.ID, 2*time.Minute)
	if b.Status != "FAILED" || len(b.Items) != 1 || b.Items[0].Status != "FAILED" {
		t.Fatalf("backup = %s, items %+v; want FAILED with the item FAILED", b.Status, b.Items)
	}
	if b.Items[0].Error == "" || b.Error == "" {
		t.Errorf("backup error %q, item error %q: want both to say why", b.Error,
			b.Items[0].Error)
	}
	if n := f.s3.openUploads(t, f.prefix); n != 0 {
		t.Errorf("open multipart uploads = %d, want 0: a failed upload is aborted", n)
	}
	if got := containerState(t, f.ns, "web"); got != "RUNNING" {
		t.Errorf("container after the failure is %q, want RUNNING", got)
	}
}

func TestBackupAgentKilled(t *testing.T) {
	f := newFailureFixture(t)
	f.proxy.delay.Store(int64(2 * time.Second))
	b := f.c.startBackup(f.projectID)
	f.waitPaused(t)

	_ = f.agent.cmd.Process.Signal(syscall.SIGKILL)
	<-f.agent.done
	b = f.c.waitBackup(b.ID, 3*time.Minute)
	if b.Status != "FAILED" {
		t.Fatalf("backup after the agent died = %s, want FAILED", b.Status)
	}
	if got := containerState(t, f.ns, "web"); got != "PAUSED" {
		t.Fatalf("container with its agent dead is %q, want it still PAUSED", got)
	}

	// The restarted agent finds its journal and resumes the container.
	f.c.restartAgent(f.agent, f.ns)
	eventually(t, 20*time.Second, "container resumed by the restarted agent", func() bool {
		return containerState(t, f.ns, "web") == "RUNNING"
	})
}

func TestBackupControlPlaneRestart(t *testing.T) {
	f := newFailureFixture(t, "COFFER_BACKUP_LEASE=5s")
	f.proxy.delay.Store(int64(time.Second))
	b := f.c.startBackup(f.projectID)
	f.waitPaused(t)

	_ = f.c.server.cmd.Process.Signal(syscall.SIGKILL)
	<-f.c.server.done
	f.c.startServer()

	b = f.c.waitBackup(b.ID, 2*time.Minute)
	if !final(b.Status) {
		t.Fatalf("backup after a control plane restart = %s, want it final", b.Status)
	}
	f.c.waitStatus(f.agent.hostID, "online", 30*time.Second)
	eventually(t, 30*time.Second, "container running again", func() bool {
		return containerState(t, f.ns, "web") == "RUNNING"
	})
	eventually(t, 30*time.Second, "no multipart upload left open", func() bool {
		return f.s3.openUploads(t, f.prefix) == 0
	})
}

func TestBackupHostOffline(t *testing.T) {
	f := newFailureFixture(t)
	offline := f.c.startAgent(f.ns + "-other")
	f.c.waitStatus(offline.hostID, "online", 10*time.Second)
	offline.stop()
	f.c.waitStatus(offline.hostID, "offline", 10*time.Second)

	path := t.TempDir()
	code := f.c.api.do("POST", "/api/projects/"+f.projectID+"/paths",
		map[string]string{"hostId": offline.hostID, "path": path}, nil)
	if code != 201 {
		t.Fatalf("attach path: got status %d, want 201", code)
	}

	b := f.c.waitBackup(f.c.startBackup(f.projectID).ID, 2*time.Minute)
	if b.Status != "FAILED" || len(b.Items) != 2 {
		t.Fatalf("backup = %s with %d items, want FAILED with 2", b.Status, len(b.Items))
	}
	for _, it := range b.Items {
		switch it.HostID {
		case offline.hostID:
			if it.Status != "FAILED" || !strings.Contains(it.Error, "offline") {
				t.Errorf("item on the offline host = %s %q, want FAILED saying offline",
					it.Status, it.Error)
			}
		default:
			if it.Status != "COMPLETED" {
				t.Errorf("item on the online host = %s %q, want COMPLETED", it.Status, it.Error)
			}
		}
	}
}
