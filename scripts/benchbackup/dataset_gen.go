package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"
)

// The shape of a data set, scaled with its size: per GiB, 30,000 small text
// files holding 15 % of the bytes, four logs holding 50 %, and random
// binaries of at most 64 MiB each holding the rest.
const (
	smallFilesPerGiB = 30000
	smallFilesPerDir = 100
	smallSharePct    = 15
	logSharePct      = 50
	maxBlobSize      = 64 << 20
)

// fileTime is every generated file's mtime, so that equal specs give equal
// trees and tar archives.
var fileTime = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// Streams keep the random sequences of different kinds of file apart.
const (
	streamText uint64 = iota + 1
	streamLog
	streamBlob
)

type generator struct {
	root    string
	seed    uint64
	sizeMiB int
	entries []fileEntry
	bytes   int64
}

// generateDataset writes the tree into a temporary sibling of dir and
// renames it into place when it is complete.
func generateDataset(ctx context.Context, dir string, spec datasetSpec) (*dataset, error) {
	if err := os.Remove(dir + ".json"); err != nil && !os.IsNotExist(err) {
		return nil, fmt.Errorf("remove stale manifest: %w", err)
	}
	tmp := dir + ".tmp"
	for _, d := range []string{dir, tmp} {
		if err := os.RemoveAll(d); err != nil {
			return nil, fmt.Errorf("remove stale data set: %w", err)
		}
	}

	g := &generator{root: tmp, seed: spec.Seed, sizeMiB: spec.SizeMiB}
	total := int64(spec.SizeMiB) << 20
	steps := []func(context.Context, int64) error{g.smallFiles, g.logs, g.blobs}
	shares := []int64{total * smallSharePct / 100, total * logSharePct / 100,
		total * (100 - smallSharePct - logSharePct) / 100}
	for i, step := range steps {
		if err := step(ctx, shares[i]); err != nil {
			return nil, err
		}
	}
	if err := g.fixTimes(); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, dir); err != nil {
		return nil, fmt.Errorf("move data set into place: %w", err)
	}
	return &dataset{Spec: spec, Files: len(g.entries), Bytes: g.bytes,
		Entries: g.entries, dir: dir}, nil
}

// smallFiles writes text files of varied sizes around their mean.
func (g *generator) smallFiles(ctx context.Context, share int64) error {
	n := max(1, g.sizeMiB*smallFilesPerGiB/1024)
	mean := share / int64(n)
	for i := range n {
		if err := ctx.Err(); err != nil {
			return err
		}
		// A seeded generator is the point: the data set must be reproducible.
		rng := rand.New(rand.NewPCG(g.seed, streamText<<32|uint64(i))) //nolint:gosec // G404
		size := mean/8 + rng.Int64N(2*mean-mean/4+1)
		leaf := i / smallFilesPerDir
		kind := textKinds[i%len(textKinds)]
		name := fmt.Sprintf("small/d%02d/e%02d/f%05d.%s", leaf/20, leaf%20, i, kind.ext)
		err := g.file(name, size, func(w *capped) { kind.fill(rng, w) })
		if err != nil {
			return err
		}
	}
	return nil
}

// logs writes one log per format, each a quarter of the share.
func (g *generator) logs(ctx context.Context, share int64) error {
	for i, f := range logFormats {
		if err := ctx.Err(); err != nil {
			return err
		}
		// A seeded generator is the point: the data set must be reproducible.
		rng := rand.New(rand.NewPCG(g.seed, streamLog<<32|uint64(i))) //nolint:gosec // G404
		lw := newLogWriter(rng, f.line)
		size := share / int64(len(logFormats))
		if err := g.file("logs/"+f.name+".log", size, lw.fill); err != nil {
			return err
		}
	}
	return nil
}

// blobs writes incompressible files from a ChaCha8 stream.
func (g *generator) blobs(ctx context.Context, share int64) error {
	n := max(1, int((share+maxBlobSize-1)/maxBlobSize))
	for i := range n {
		if err := ctx.Err(); err != nil {
			return err
		}
		var key [32]byte
		binary.LittleEndian.PutUint64(key[:], g.seed)
		binary.LittleEndian.PutUint64(key[8:], streamBlob<<32|uint64(i))
		src := rand.NewChaCha8(key)
		name := fmt.Sprintf("bin/blob-%02d.bin", i)
		fill := func(w *capped) { fillRandom(src, w) }
		if err := g.file(name, share/int64(n), fill); err != nil {
			return err
		}
	}
	return nil
}

func fillRandom(src io.Reader, w *capped) {
	buf := make([]byte, 1<<20)
	for !w.full() {
		_, _ = src.Read(buf)
		w.write(buf)
	}
}

// file creates rel with exactly size bytes from fill, and records it.
func (g *generator) file(rel string, size int64, fill func(*capped)) error {
	path := filepath.Join(g.root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("generate %s: %w", rel, err)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("generate %s: %w", rel, err)
	}
	defer f.Close()

	h := sha256.New()
	bw := bufio.NewWriterSize(io.MultiWriter(f, h), 256<<10)
	w := &capped{w: bw, left: size}
	fill(w)
	if w.err == nil {
		w.err = bw.Flush()
	}
	if w.err == nil {
		w.err = f.Close()
	}
	if w.err != nil {
		return fmt.Errorf("generate %s: %w", rel, w.err)
	}
	g.entries = append(g.entries, fileEntry{Path: rel, Size: size,
		SHA256: hex.EncodeToString(h.Sum(nil))})
	g.bytes += size
	return nil
}

// fixTimes gives every file and directory the same mtime, once all of them
// are written.
func (g *generator) fixTimes() error {
	dirs := map[string]bool{}
	for i := len(g.entries) - 1; i >= 0; i-- {
		p := filepath.Join(g.root, filepath.FromSlash(g.entries[i].Path))
		if err := os.Chtimes(p, fileTime, fileTime); err != nil {
			return fmt.Errorf("set mtime: %w", err)
		}
		for d := filepath.Dir(p); len(d) >= len(g.root); d = filepath.Dir(d) {
			dirs[d] = true
		}
	}
	for d := range dirs {
		if err := os.Chtimes(d, fileTime, fileTime); err != nil {
			return fmt.Errorf("set mtime: %w", err)
		}
	}
	return nil
}

// capped writes up to a fixed number of bytes and cuts off the rest, so
// that generators can write whole lines until it is full.
type capped struct {
	w    io.Writer
	left int64
	err  error
}

func (c *capped) full() bool { return c.left <= 0 || c.err != nil }

func (c *capped) write(b []byte) {
	if c.full() {
		return
	}
	if int64(len(b)) > c.left {
		b = b[:c.left]
	}
	_, c.err = c.w.Write(b)
	c.left -= int64(len(b))
}
