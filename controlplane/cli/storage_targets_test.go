package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cofferhq/coffer/controlplane/cli"
	"github.com/cofferhq/coffer/controlplane/client"
	"github.com/cofferhq/coffer/controlplane/client/clienttest"
	"github.com/cofferhq/coffer/testenv"
)

// s3Args returns the flags of an s3 target on the test server, but no
// secret.
func s3Args(env testenv.S3Env, name string) []string {
	return []string{"storage-targets", "create", name, "--type", "s3",
		"--endpoint", env.Endpoint, "--bucket", env.Bucket, "--access-key-id", env.AccessKey,
		"--prefix", "cli-test/" + name, "--path-style"}
}

// runWithStdin is run with stdin as the command's standard input.
func runWithStdin(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), clienttest.Timeout)
	defer cancel()

	root := cli.NewRootCommand()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&bytes.Buffer{})
	root.SetIn(strings.NewReader(stdin))
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	return out.String(), err
}

func TestStorageTargetsS3SecretSources(t *testing.T) {
	env := testenv.S3(t)
	cp := clienttest.Start(t)
	file := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(file, []byte(env.SecretKey+"\n"), 0o600); err != nil {
		t.Fatalf("write secret file: %v", err)
	}

	out := mustRun(t, admin(cp, append(s3Args(env, "from-file"),
		"--secret-access-key-file", file)...)...)
	wantContains(t, out, "Name:", "from-file", "Type:", "s3", "Bucket:", env.Bucket,
		"Secret key:", "stored (sealed)")

	out, err := runWithStdin(t, env.SecretKey, admin(cp, append(s3Args(env, "from-stdin"),
		"--secret-access-key-file", "-", "-o", "json")...)...)
	if err != nil {
		t.Fatalf("create from stdin: %v", err)
	}
	var tg client.StorageTarget
	if err := json.Unmarshal([]byte(out), &tg); err != nil || !tg.HasSecret {
		t.Fatalf("create -o json: got %q (%v), want a target with a secret", out, err)
	}

	t.Setenv("COFFER_S3_SECRET_ACCESS_KEY", env.SecretKey)
	mustRun(t, admin(cp, s3Args(env, "from-env")...)...)

	for _, args := range [][]string{
		{"storage-targets", "list"}, {"storage-targets", "list", "-o", "json"},
		{"storage-targets", "show", "from-env"}, {"storage-targets", "show", "from-env",
			"-o", "json"},
	} {
		out := mustRun(t, admin(cp, args...)...)
		if strings.Contains(out, env.SecretKey) {
			t.Errorf("coffer %s prints the secret:\n%s", strings.Join(args, " "), out)
		}
	}
}

func TestStorageTargetsS3Refusals(t *testing.T) {
	env := testenv.S3(t)
	cp := clienttest.Start(t)

	_, err := run(t, admin(cp, s3Args(env, "nosecret")...)...)
	if err == nil || !strings.Contains(err.Error(), "COFFER_S3_SECRET_ACCESS_KEY") {
		t.Fatalf("create without a secret: got %v, want a hint at the env variable", err)
	}

	_, err = runWithStdin(t, "wrong-secret", admin(cp, append(s3Args(env, "wrong"),
		"--secret-access-key-file", "-")...)...)
	e := mustAPIError(t, err, http.StatusBadRequest)
	if e.Code != "storage_access_denied" {
		t.Errorf("wrong secret: got code %s, want storage_access_denied", e.Code)
	}

	_, err = run(t, admin(cp, "storage-targets", "create", "disk", "--type", "local",
		"--dir", "/srv", "--secret-access-key-file", "/dev/null")...)
	if err == nil || !strings.Contains(err.Error(), "s3 targets only") {
		t.Errorf("local target with a secret file: got %v, want a refusal", err)
	}
}

func TestStorageTargetsLocal(t *testing.T) {
	cp := clienttest.Start(t)

	out := mustRun(t, admin(cp, "storage-targets", "create", "disk", "--type", "local",
		"--dir", "/srv/coffer", "--max-parts", "500")...)
	wantContains(t, out, "Name:", "disk", "Directory:", "/srv/coffer", "Max parts:", "500")

	rows := tableLines(mustRun(t, admin(cp, "storage-targets", "list")...))
	wantHeader := []string{"ID", "NAME", "TYPE", "LOCATION", "CREATED"}
	if len(rows) != 2 || !slices.Equal(rows[0], wantHeader) {
		t.Fatalf("got rows %q, want header %q and one target", rows, wantHeader)
	}
	if r := rows[1]; len(r) != 6 || r[1] != "disk" || r[2] != "local" || r[3] != "/srv/coffer" {
		t.Errorf("got row %q, want <id> disk local /srv/coffer <age>", r)
	}

	out = mustRun(t, admin(cp, "storage-targets", "list", "-o", "json")...)
	if raw := rawGet(t, cp, "/api/storage-targets"); !jsonEqual(t, out, raw) {
		t.Errorf("list -o json: got %s, want the API's %s", out, raw)
	}

	_, err := run(t, admin(cp, "storage-targets", "create", "disk2", "--type", "local",
		"--dir", "srv")...)
	wantAPIError(t, err, http.StatusBadRequest)
	_, err = run(t, admin(cp, "storage-targets", "create", "disk2", "--dir", "/srv")...)
	if err == nil || !strings.Contains(err.Error(), `"type"`) {
		t.Errorf("create without --type: got %v, want the flag named", err)
	}

	out = mustRun(t, admin(cp, "storage-targets", "delete", "disk")...)
	if out != "deleted storage target disk\n" {
		t.Errorf("delete: got %q, want %q", out, "deleted storage target disk\n")
	}
	_, err = run(t, admin(cp, "storage-targets", "show", "disk")...)
	wantAPIError(t, err, http.StatusNotFound)
}

// jsonEqual reports whether two JSON documents hold the same value.
func jsonEqual(t *testing.T, a, b string) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal([]byte(a), &va); err != nil {
		t.Fatalf("decode %q: %v", a, err)
	}
	if err := json.Unmarshal([]byte(b), &vb); err != nil {
		t.Fatalf("decode %q: %v", b, err)
	}
	ja, _ := json.Marshal(va)
	jb, _ := json.Marshal(vb)
	return bytes.Equal(ja, jb)
}
