package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// The tools, in the order each round runs them.
var toolNames = []string{"coffer", "classic", "restic", "limit"}

// tool is one way of backing up and restoring the data set. A round is one
// backup and one restore of it; round 0 is the warm-up.
type tool interface {
	name() string
	// version says which program was measured, for the report.
	version() string
	// prepare readies a round; it is not timed.
	prepare(ctx context.Context, round int) error
	// backup backs the data set up.
	backup(ctx context.Context, round int) error
	// stored returns the bytes the round's backup stored; it is not timed.
	stored(ctx context.Context, round int) (int64, error)
	// restore restores the round's backup into the empty directory dir
	// and returns the directory that holds the restored tree.
	restore(ctx context.Context, round int, dir string) (string, error)
	// finish removes what the round stored; it is not timed.
	finish(ctx context.Context, round int) error
	// memory is the process whose peak RSS is reported, or nil.
	memory() *memProbe
	// close stops what the tool started and removes what it stored.
	close(ctx context.Context) error
}

// itemTimer is a tool that knows how much of a backup's wall time went to
// its items themselves.
type itemTimer interface {
	itemSeconds(round int) float64
}

// toolEnv is what every tool shares.
type toolEnv struct {
	opts   options
	work   string
	ds     *dataset
	bucket *bucket
	// runID keeps this run's keys apart from any other run's.
	runID string
	// later lists the rounds whose stored data is still to be deleted.
	later []finishLater
	// cacheKept is set when the page cache could not be dropped before a
	// backup.
	cacheKept bool
}

// finishLater is a round of a tool whose clean-up waits for the end.
type finishLater struct {
	t     tool
	round int
	en    *entry
}

// finishAll deletes what every round stored.
func (e *toolEnv) finishAll(ctx context.Context) {
	for _, f := range e.later {
		if err := f.t.finish(ctx, f.round); err != nil {
			f.en.fail("clean up", err)
		}
	}
	e.later = nil
}

func newToolEnv(opts options, work string, ds *dataset, b *bucket) *toolEnv {
	var raw [4]byte
	_, _ = rand.Read(raw[:])
	return &toolEnv{opts: opts, work: work, ds: ds, bucket: b, runID: hex.EncodeToString(raw[:])}
}

// openTools sets up every tool that is not skipped. A tool that cannot be
// set up is recorded as failed and left out; the others still run.
func (e *toolEnv) openTools(ctx context.Context, res *result) []tool {
	var tools []tool
	for _, name := range toolNames {
		en := res.entry(name)
		if e.opts.skip[name] {
			en.Skipped = true
			continue
		}
		progress("%s: setting up", name)
		t, err := e.open(ctx, name)
		if err != nil {
			en.fail("set up", err)
			continue
		}
		en.Version = t.version()
		tools = append(tools, t)
	}
	return tools
}

func (e *toolEnv) open(ctx context.Context, name string) (tool, error) {
	switch name {
	case "coffer":
		return openCoffer(ctx, e)
	case "classic":
		return openClassic(ctx, e)
	case "restic":
		return openRestic(ctx, e)
	case "limit":
		return openLimit(ctx, e)
	}
	return nil, fmt.Errorf("unknown tool %q", name)
}

// phaseDir names the directory for one phase of one round of a tool.
func (e *toolEnv) phaseDir(tool, phase string, round int) string {
	return filepath.Join(e.work, fmt.Sprintf("%s-%s-%d", tool, phase, round))
}

// tempDir makes the phase's directory.
func (e *toolEnv) tempDir(tool, phase string, round int) (string, error) {
	dir := e.phaseDir(tool, phase, round)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("create %s: %w", dir, err)
	}
	return dir, nil
}

// measureRound times one backup and one restore of t and checks the
// restore. A tool that failed once is not run again. What the round
// stored is deleted only after every round, like the restored trees:
// deleting half a gigabyte from storage makes the disk slow for a while,
// and the next tool would pay for it.
func measureRound(ctx context.Context, env *toolEnv, t tool, round int, en *entry) {
	if en.Error != "" {
		return
	}
	if err := t.prepare(ctx, round); err != nil {
		en.fail("prepare", err)
		return
	}
	env.later = append(env.later, finishLater{t: t, round: round, en: en})

	label := roundLabel(round, env.opts.runs)
	dropped, err := env.ds.prepareBackup()
	if err != nil {
		en.fail("prepare", err)
		return
	}
	env.cacheKept = env.cacheKept || !dropped
	progress("%s: backup, %s", t.name(), label)
	bs, err := timed(t, func() error { return t.backup(ctx, round) })
	if err != nil {
		en.fail("backup", err)
		return
	}
	bs.Round = round
	if bs.StoredBytes, err = t.stored(ctx, round); err != nil {
		en.fail("size backup", err)
		return
	}
	if it, ok := t.(itemTimer); ok {
		bs.ItemSeconds = it.itemSeconds(round)
	}
	en.Backups = append(en.Backups, bs)

	progress("%s: restore, %s", t.name(), label)
	rs, err := restoreRound(ctx, env, t, round)
	if err != nil {
		en.fail("restore", err)
		return
	}
	en.Restores = append(en.Restores, rs)
	progress("%s: %s took %.1f s to back up, %.1f s to restore", t.name(), label,
		bs.Seconds, rs.Seconds)
}

// restoreRound times the restore into a fresh directory and checks what
// it wrote. The directory stays until the whole run ends: on ext4 without
// a journal, creating files soon after tens of thousands were deleted is
// several times slower (the allocator skips inodes freed in the last
// minutes), so removing one restore would slow down whichever tool came
// next.
func restoreRound(ctx context.Context, env *toolEnv, t tool, round int) (sample, error) {
	dir, err := env.tempDir(t.name(), "restore", round)
	if err != nil {
		return sample{}, err
	}

	var root string
	s, err := timed(t, func() (err error) {
		root, err = t.restore(ctx, round, dir)
		return err
	})
	s.Round = round
	if err != nil || !env.opts.verify {
		return s, err
	}
	return s, env.ds.verify(root)
}

func roundLabel(round, runs int) string {
	if round == 0 {
		return "warm-up"
	}
	return fmt.Sprintf("run %d of %d", round, runs)
}

// timed runs phase with t's process's peak RSS reset before it. Dirty
// pages of the previous phase are written out first, so that no phase pays
// for another's writes.
func timed(t tool, phase func() error) (sample, error) {
	syscall.Sync()
	mem := t.memory()
	mem.reset()
	start := time.Now()
	err := phase()
	s := sample{Seconds: time.Since(start).Seconds()}
	if err != nil {
		return s, err
	}
	peak, err := mem.peak()
	s.PeakRSS = peak
	return s, err
}
