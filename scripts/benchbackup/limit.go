package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// limitTool is the bound for any tar-and-zstd backup on this machine: tar
// piped into zstd on every core, written nowhere; and its reverse from a
// local file. No network, no storage, no checksums.
type limitTool struct {
	env     *toolEnv
	local   proc
	ver     string
	archive string
	size    int64
}

func openLimit(ctx context.Context, e *toolEnv) (tool, error) {
	for _, bin := range []string{"tar", "zstd"} {
		if _, err := exec.LookPath(bin); err != nil {
			return nil, fmt.Errorf("find %s (apt-get install %s): %w", bin, bin, err)
		}
	}
	t := &limitTool{env: e, local: proc{env: childEnv()},
		archive: filepath.Join(e.work, "limit.tar.zst")}
	tarV, err := t.local.output(ctx, "tar", "--version")
	if err != nil {
		return nil, err
	}
	zstdV, err := t.local.output(ctx, "zstd", "-V")
	if err != nil {
		return nil, err
	}
	t.ver = firstLine(tarV) + "; " + firstLine(zstdV) + "; zstd -T0, default level"
	return t, nil
}

func firstLine(b []byte) string {
	line, _, _ := bytes.Cut(bytes.TrimSpace(b), []byte("\n"))
	return string(line)
}

func (t *limitTool) name() string      { return "limit" }
func (t *limitTool) version() string   { return t.ver }
func (t *limitTool) memory() *memProbe { return nil }

func (t *limitTool) tarCreate() []string { return []string{"tar", "-c", "-C", t.env.ds.dir, "."} }

// prepare writes the archive that restores read, once, untimed.
func (t *limitTool) prepare(ctx context.Context, _ int) error {
	if t.size > 0 {
		return nil
	}
	f, err := os.Create(t.archive)
	if err != nil {
		return fmt.Errorf("create %s: %w", t.archive, err)
	}
	defer f.Close()
	if err := t.local.pipe(ctx, nil, f, t.tarCreate(), []string{"zstd", "-T0", "-q"}); err != nil {
		return err
	}
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("size %s: %w", t.archive, err)
	}
	t.size = fi.Size()
	return nil
}

// backup is tar -c | zstd -T0 > /dev/null.
func (t *limitTool) backup(ctx context.Context, _ int) error {
	return t.local.pipe(ctx, nil, nil, t.tarCreate(), []string{"zstd", "-T0", "-q"})
}

// stored is the size of the same stream, as prepare wrote it.
func (t *limitTool) stored(context.Context, int) (int64, error) { return t.size, nil }

// restore is zstd -d < file.tar.zst | tar -x.
func (t *limitTool) restore(ctx context.Context, _ int, dir string) (string, error) {
	f, err := os.Open(t.archive)
	if err != nil {
		return "", fmt.Errorf("open %s: %w", t.archive, err)
	}
	defer f.Close()
	err = t.local.pipe(ctx, f, nil, []string{"zstd", "-d", "-q"}, []string{"tar", "-x", "-C", dir})
	return dir, err
}

func (t *limitTool) finish(context.Context, int) error { return nil }

func (t *limitTool) close(context.Context) error { return nil }
