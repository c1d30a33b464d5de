package e2e_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

type backupItem struct {
	ID          string `json:"id"`
	Kind        string `json:"kind"`
	HostID      string `json:"hostId"`
	Source      string `json:"source"`
	ObjectKey   string `json:"objectKey"`
	Size        int64  `json:"size"`
	SourceBytes int64  `json:"sourceBytes"`
	Files       int64  `json:"files"`
	SHA256      string `json:"sha256"`
	Status      string `json:"status"`
	Error       string `json:"error"`
}

type backup struct {
	ID     string       `json:"id"`
	Status string       `json:"status"`
	Size   int64        `json:"size"`
	S3Key  string       `json:"s3Key"`
	Path   string       `json:"path"`
	Error  string       `json:"error"`
	Items  []backupItem `json:"items"`
}

type restore struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Error  string `json:"error"`
}

func final(status string) bool { return status == "COMPLETED" || status == "FAILED" }

// s3Target registers the S3 server, reached through endpoint, as the
// project's default target and returns the key prefix it writes under.
func (c *cluster) s3Target(s3e *s3Env, endpoint, projectID string) string {
	c.t.Helper()
	prefix := "e2e-" + randomHex(6)
	var target struct{ ID string }
	code := c.api.do("POST", "/api/storage-targets", map[string]any{
		"name": "s3-" + randomHex(3), "type": "s3", "endpoint": endpoint,
		"region": "us-east-1", "bucket": s3e.Bucket, "prefix": prefix,
		"accessKeyId": s3e.AccessKey, "secretAccessKey": s3e.SecretKey, "pathStyle": true,
	}, &target)
	if code != 201 {
		c.t.Fatalf("create storage target: got status %d, want 201", code)
	}
	code = c.api.do("PATCH", "/api/projects/"+projectID,
		map[string]string{"defaultTargetId": target.ID}, nil)
	if code != 200 {
		c.t.Fatalf("set default target: got status %d, want 200", code)
	}
	return prefix
}

func (c *cluster) createProject(name string) string {
	c.t.Helper()
	var p struct{ ID string }
	code := c.api.do("POST", "/api/projects", map[string]string{"name": name}, &p)
	if code != 201 {
		c.t.Fatalf("create project %s: got status %d, want 201", name, code)
	}
	return p.ID
}

func (c *cluster) startBackup(projectID string) backup {
	c.t.Helper()
	var b backup
	code := c.api.do("POST", "/api/backups", map[string]string{"projectId": projectID}, &b)
	if code != 202 || b.Status != "PENDING" {
		c.t.Fatalf("create backup: got status %d and %q, want 202 and PENDING", code, b.Status)
	}
	return b
}

func (c *cluster) backup(id string) backup {
	c.t.Helper()
	var b backup
	if code := c.api.do("GET", "/api/backups/"+id, nil, &b); code != 200 {
		c.t.Fatalf("get backup: got status %d, want 200", code)
	}
	return b
}

func (c *cluster) waitBackup(id string, within time.Duration) backup {
	c.t.Helper()
	var b backup
	eventually(c.t, within, "backup "+id+" final", func() bool {
		b = c.backup(id)
		return final(b.Status)
	})
	return b
}

func (c *cluster) waitRestore(id string, within time.Duration) restore {
	c.t.Helper()
	var r restore
	eventually(c.t, within, "restore "+id+" final", func() bool {
		if code := c.api.do("GET", "/api/restores/"+id, nil, &r); code != 200 {
			c.t.Fatalf("get restore: got status %d, want 200", code)
		}
		return final(r.Status)
	})
	return r
}

// containerState reads a container's task status with ctr.
func containerState(t *testing.T, ns, id string) string {
	t.Helper()
	out, err := exec.Command("ctr", "-n", ns, "task", "ls").Output()
	if err != nil {
		t.Fatalf("ctr task ls: %v", err)
	}
	var state string
	for _, line := range splitLines(string(out)) {
		var task, pid, status string
		if _, err := fmt.Sscan(line, &task, &pid, &status); err == nil && task == id {
			state = status
		}
	}
	return state
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i := range len(s) {
		if s[i] == '\n' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// runContainer starts a busybox container of project in ns with the
// volumes bind-mounted at /data, /data1, /data2 and so on.
func runContainer(t *testing.T, ns, project, id string, volumes ...string) {
	t.Helper()
	args := []string{"run", "-d", "--label", "coffer.project=" + project}
	for i, v := range volumes {
		dst := "/data"
		if i > 0 {
			dst += strconv.Itoa(i)
		}
		args = append(args, "--mount", "type=bind,src="+v+",dst="+dst+",options=rbind:rw")
	}
	ctr(t, ns, append(args, "coffer.test/busybox:latest", id, "sleep", "3600")...)
}

// itemOf returns the item of b that holds source, failing the test when
// there is none.
func itemOf(t *testing.T, b backup, source string) backupItem {
	t.Helper()
	for _, it := range b.Items {
		if it.Source == source {
			return it
		}
	}
	t.Fatalf("backup %s has no item for %s", b.ID, source)
	return backupItem{}
}

// emptyDir removes everything inside dir.
func emptyDir(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			t.Fatal(err)
		}
	}
}
