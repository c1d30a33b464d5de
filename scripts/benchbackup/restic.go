package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
)

// resticTool backs up into a fresh restic repository each round, so that
// no round is sped up by deduplicating against the one before. Creating
// the repository is not timed. restic keeps its usual local cache, in the
// work directory.
type resticTool struct {
	env      *toolEnv
	bin      string
	ver      string
	password string
}

func openRestic(ctx context.Context, e *toolEnv) (tool, error) {
	bin, err := exec.LookPath("restic")
	if err != nil {
		return nil, fmt.Errorf("find restic (apt-get install restic): %w", err)
	}
	var raw [16]byte
	_, _ = rand.Read(raw[:])
	t := &resticTool{env: e, bin: bin, password: hex.EncodeToString(raw[:])}
	out, err := proc{env: childEnv()}.output(ctx, bin, "version")
	if err != nil {
		return nil, err
	}
	t.ver = strings.TrimSpace(string(out))
	return t, nil
}

func (t *resticTool) name() string      { return "restic" }
func (t *resticTool) version() string   { return t.ver }
func (t *resticTool) memory() *memProbe { return nil }

// prefix holds the repository of each round.
func (t *resticTool) prefix() string { return "restic-bench-" + t.env.runID }

func (t *resticTool) repo(round int) string { return fmt.Sprintf("%s/%d", t.prefix(), round) }

// proc runs restic on the round's repository; the password and the keys
// go through the environment.
func (t *resticTool) proc(round int) proc {
	s3 := t.env.opts.s3
	repo := fmt.Sprintf("s3:%s/%s/%s", strings.TrimRight(s3.endpoint, "/"), s3.bucket,
		t.repo(round))
	return proc{env: childEnv(
		"RESTIC_REPOSITORY="+repo,
		"RESTIC_PASSWORD="+t.password,
		"RESTIC_CACHE_DIR="+filepath.Join(t.env.work, "restic-cache"),
		"AWS_ACCESS_KEY_ID="+s3.accessKey,
		"AWS_SECRET_ACCESS_KEY="+s3.secretKey,
	)}
}

func (t *resticTool) prepare(ctx context.Context, round int) error {
	return t.proc(round).run(ctx, t.bin, "init")
}

func (t *resticTool) backup(ctx context.Context, round int) error {
	return t.proc(round).run(ctx, t.bin, "backup", "--quiet", "--host", "benchbackup",
		t.env.ds.dir)
}

func (t *resticTool) stored(ctx context.Context, round int) (int64, error) {
	return t.env.bucket.size(ctx, t.repo(round)+"/")
}

// restore restores the snapshot; restic recreates its absolute path under
// the target.
func (t *resticTool) restore(ctx context.Context, round int, dir string) (string, error) {
	err := t.proc(round).run(ctx, t.bin, "restore", "latest", "--quiet", "--target", dir)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, t.env.ds.dir), nil
}

func (t *resticTool) finish(ctx context.Context, round int) error {
	return t.env.bucket.deletePrefix(ctx, t.repo(round)+"/")
}

func (t *resticTool) close(ctx context.Context) error {
	return t.env.bucket.deletePrefix(ctx, t.prefix()+"/")
}
