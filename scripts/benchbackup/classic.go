package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// classicTool is the script people write: tar czf the volume into a
// folder, tar czf that folder, upload the result with the AWS CLI; and to
// restore, download and untar twice. Removing the local archives is left
// out of the timings.
type classicTool struct {
	env    *toolEnv
	aws    proc
	awsBin string
	ver    string
	prefix string
}

func openClassic(ctx context.Context, e *toolEnv) (tool, error) {
	if _, err := exec.LookPath("tar"); err != nil {
		return nil, fmt.Errorf("find tar: %w", err)
	}
	awsBin, err := exec.LookPath(e.opts.awsBin)
	if err != nil {
		return nil, fmt.Errorf("find the AWS CLI (apt-get install awscli): %w", err)
	}
	t := &classicTool{env: e, aws: proc{env: awsEnv(e)}, awsBin: awsBin,
		prefix: "classic-bench-" + e.runID}
	out, err := t.aws.output(ctx, awsBin, "--version")
	if err != nil {
		return nil, err
	}
	t.ver = strings.TrimSpace(string(out))
	return t, nil
}

// awsEnv gives the AWS CLI the test keys and keeps it from reading this
// machine's AWS configuration or asking a metadata service for more.
func awsEnv(e *toolEnv) []string {
	none := filepath.Join(e.work, "aws-config-none")
	return childEnv(
		"AWS_ACCESS_KEY_ID="+e.opts.s3.accessKey,
		"AWS_SECRET_ACCESS_KEY="+e.opts.s3.secretKey,
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE="+none,
		"AWS_SHARED_CREDENTIALS_FILE="+none,
		"AWS_PAGER=",
	)
}

func (t *classicTool) name() string      { return "classic" }
func (t *classicTool) version() string   { return t.ver + "; tar czf twice" }
func (t *classicTool) memory() *memProbe { return nil }

func (t *classicTool) prepare(context.Context, int) error { return nil }

func (t *classicTool) key(round int) string {
	return fmt.Sprintf("%s/%d/backup.tar.gz", t.prefix, round)
}

func (t *classicTool) backup(ctx context.Context, round int) error {
	dir, err := t.env.tempDir("classic", "backup", round)
	if err != nil {
		return err
	}
	folder := filepath.Join(dir, "volume")
	if err := os.Mkdir(folder, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", folder, err)
	}
	inner := filepath.Join(folder, "volume.tar.gz")
	outer := filepath.Join(dir, "backup.tar.gz")

	local := proc{env: childEnv()}
	if err := local.run(ctx, "tar", "czf", inner, "-C", t.env.ds.dir, "."); err != nil {
		return err
	}
	if err := local.run(ctx, "tar", "czf", outer, "-C", dir, "volume"); err != nil {
		return err
	}
	return t.cp(ctx, outer, t.env.bucket.url(t.key(round)))
}

func (t *classicTool) stored(ctx context.Context, round int) (int64, error) {
	return t.env.bucket.size(ctx, t.key(round))
}

func (t *classicTool) restore(ctx context.Context, round int, dir string) (string, error) {
	dl, err := t.env.tempDir("classic", "download", round)
	if err != nil {
		return "", err
	}
	outer := filepath.Join(dl, "backup.tar.gz")
	if err := t.cp(ctx, t.env.bucket.url(t.key(round)), outer); err != nil {
		return "", err
	}
	local := proc{env: childEnv()}
	if err := local.run(ctx, "tar", "xzf", outer, "-C", dl); err != nil {
		return "", err
	}
	inner := filepath.Join(dl, "volume", "volume.tar.gz")
	if err := local.run(ctx, "tar", "xzf", inner, "-C", dir); err != nil {
		return "", err
	}
	return dir, nil
}

func (t *classicTool) cp(ctx context.Context, from, to string) error {
	return t.aws.run(ctx, t.awsBin, "--endpoint-url", t.env.opts.s3.endpoint,
		"s3", "cp", "--only-show-errors", from, to)
}

// finish removes the local archives and the uploaded one.
func (t *classicTool) finish(ctx context.Context, round int) error {
	for _, phase := range []string{"backup", "download"} {
		dir := t.env.phaseDir("classic", phase, round)
		if err := os.RemoveAll(dir); err != nil {
			return fmt.Errorf("remove %s: %w", dir, err)
		}
	}
	return t.env.bucket.deletePrefix(ctx, fmt.Sprintf("%s/%d/", t.prefix, round))
}

func (t *classicTool) close(ctx context.Context) error {
	return t.env.bucket.deletePrefix(ctx, t.prefix+"/")
}
