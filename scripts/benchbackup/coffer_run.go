package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// cofferResult is what the backup and restore commands print with -o json
// that the benchmark reads.
type cofferResult struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Size   int64  `json:"size"`
	Error  string `json:"error"`
	Items  []struct {
		DurationMs int64 `json:"durationMs"`
	} `json:"items"`
}

const statusCompleted = "COMPLETED"

// configure creates the project, the storage target and the host path.
// The target's secret key goes to the CLI through its environment.
func (t *cofferTool) configure(ctx context.Context, host string) error {
	var project, target cofferResult
	if err := t.call(ctx, &project, "projects", "create", "bench-"+t.env.runID); err != nil {
		return err
	}
	t.project = project.ID

	s3 := t.env.opts.s3
	create := proc{env: childEnv("COFFER_S3_SECRET_ACCESS_KEY=" + s3.secretKey)}
	args := []string{"storage-targets", "create", "bench-" + t.env.runID,
		"--type", "s3", "--endpoint", s3.endpoint, "--bucket", s3.bucket,
		"--prefix", t.prefix, "--access-key-id", s3.accessKey, "--path-style"}
	if n := t.env.opts.maxParts; n > 0 {
		args = append(args, "--max-parts", strconv.Itoa(n))
	}
	err := t.callWith(ctx, create, &target, args...)
	if err != nil {
		return err
	}
	if err := t.call(ctx, nil, "projects", "set", t.project,
		"--default-target", target.ID); err != nil {
		return err
	}
	return t.call(ctx, nil, "paths", "add", "--project", t.project, "--host", host,
		t.env.ds.dir)
}

func (t *cofferTool) name() string      { return "coffer" }
func (t *cofferTool) version() string   { return t.ver }
func (t *cofferTool) memory() *memProbe { return t.mem }

func (t *cofferTool) prepare(context.Context, int) error { return nil }

func (t *cofferTool) backup(ctx context.Context, round int) error {
	var b cofferResult
	err := t.call(ctx, &b, "backups", "create", "--project", t.project, "--wait")
	if err != nil {
		return err
	}
	if b.Status != statusCompleted {
		return fmt.Errorf("backup %s is %s: %s", b.ID, b.Status, b.Error)
	}
	t.backups[round] = b
	return nil
}

// stored is the size the control plane recorded for the backup.
func (t *cofferTool) stored(_ context.Context, round int) (int64, error) {
	return t.backups[round].Size, nil
}

// itemSeconds is how long the agent took over the backup's items, as the
// control plane recorded it: the rest of the wall time is the CLI, the
// control plane and the finishing of the backup.
func (t *cofferTool) itemSeconds(round int) float64 {
	var ms int64
	for _, it := range t.backups[round].Items {
		ms += it.DurationMs
	}
	return float64(ms) / 1000
}

// restore restores into dir, which then holds one directory per item of
// the backup; the data set is the only item.
func (t *cofferTool) restore(ctx context.Context, round int, dir string) (string, error) {
	var r cofferResult
	err := t.call(ctx, &r, "backups", "restore", t.backups[round].ID, "--mode", "path",
		"--path", dir, "--wait")
	if err != nil {
		return "", err
	}
	if r.Status != "" && r.Status != statusCompleted {
		return "", fmt.Errorf("restore %s is %s: %s", r.ID, r.Status, r.Error)
	}
	return onlySubdir(dir)
}

// finish deletes the round's objects. The control plane's catalog is not
// kept beyond the run, so its records are left as they are.
func (t *cofferTool) finish(ctx context.Context, _ int) error {
	return t.env.bucket.deletePrefix(ctx, t.prefix+"/")
}

func (t *cofferTool) close(ctx context.Context) error {
	t.agent.stop()
	t.server.stop()
	return t.env.bucket.deletePrefix(ctx, t.prefix+"/")
}

// call runs a coffer client command against the benchmark's control
// plane and decodes its JSON answer into out, unless out is nil.
func (t *cofferTool) call(ctx context.Context, out any, args ...string) error {
	return t.callWith(ctx, t.cli, out, args...)
}

func (t *cofferTool) callWith(ctx context.Context, p proc, out any, args ...string) error {
	argv := append([]string{t.coffer, "--server", t.url, "--data-dir", t.dataDir,
		"-o", "json"}, args...)
	raw, err := p.output(ctx, argv...)
	if err != nil || out == nil {
		return err
	}
	if err := decodeLast(raw, out); err != nil {
		return fmt.Errorf("read coffer %s output: %w", args[0], err)
	}
	return nil
}

// decodeLast decodes the last JSON value that starts a line of out: a
// command that waits may print progress before its result.
func decodeLast(out []byte, v any) error {
	for end := len(out); end > 0; {
		i := bytes.LastIndexAny(out[:end], "{[")
		if i < 0 {
			break
		}
		end = i
		if i > 0 && out[i-1] != '\n' {
			continue
		}
		var raw json.RawMessage
		if json.NewDecoder(bytes.NewReader(out[i:])).Decode(&raw) == nil {
			return json.Unmarshal(raw, v)
		}
	}
	return errors.New("no JSON value in it")
}

// onlySubdir returns the one directory inside dir.
func onlySubdir(dir string) (string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return "", fmt.Errorf("read restore directory: %w", err)
	}
	if len(ents) != 1 || !ents[0].IsDir() {
		return "", fmt.Errorf("restore directory %s holds %d entries, want one directory",
			dir, len(ents))
	}
	return filepath.Join(dir, ents[0].Name()), nil
}
