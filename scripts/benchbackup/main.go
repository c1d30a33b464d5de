// Command benchbackup measures Coffer's backup and restore against what
// people do without it, side by side in one run on one data set: a tar.gz
// script that uploads with the AWS CLI, restic, and the local limit of
// tar piped into zstd. Every tool writes to the same local S3 server.
//
// The data set (small text files, large logs, random binaries) is generated
// once from a seed into a cache directory and reused. Each tool runs once
// to warm up and then -runs times; the report gives the median of the
// timed runs and the ratios of Coffer's times to the others'. Every restore
// is checked against the data set, outside the timings.
//
// The benchmark reports against the product's targets but fails only when
// a tool fails or a restore differs from the data set.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	opts, err := parseFlags()
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchbackup:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, opts)
	stop()
	os.Exit(code)
}

// run returns the exit code: 0 when every tool ran and restored the data
// set exactly, 1 when one failed, 2 when the benchmark could not run.
func run(ctx context.Context, opts options) int {
	res, err := bench(ctx, opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchbackup:", err)
		return 2
	}
	res.print(os.Stdout)
	if err := res.printJSON(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "benchbackup:", err)
		return 2
	}
	if res.failed() {
		return 1
	}
	return 0
}

func bench(ctx context.Context, opts options) (*result, error) {
	ds, err := ensureDataset(ctx, opts.dataDir, opts.spec())
	if err != nil {
		return nil, err
	}

	work, err := os.MkdirTemp(opts.workDir, "coffer-benchbackup-")
	if err != nil {
		return nil, fmt.Errorf("create work dir: %w", err)
	}
	defer os.RemoveAll(work)

	store, err := newBucket(ctx, opts.s3)
	if err != nil {
		return nil, err
	}
	env := newToolEnv(opts, work, ds, store)
	res := newResult(opts, ds)
	tools := env.openTools(ctx, res)
	defer closeTools(tools)

	for round := range opts.runs + 1 {
		for _, t := range tools {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			measureRound(ctx, env, t, round, res.entry(t.name()))
		}
	}
	env.finishAll(ctx)
	res.CacheKept = env.cacheKept
	for _, t := range tools {
		if m := t.memory(); m != nil && m.sinceStart {
			res.RSSSinceStart = true
		}
	}
	res.summarize()
	return res, nil
}

// closeTools ends what each tool started and removes what it stored, with
// a context of its own: cleaning up after Ctrl-C is still wanted.
func closeTools(tools []tool) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for _, t := range tools {
		if err := t.close(ctx); err != nil {
			progress("clean up %s: %v", t.name(), err)
		}
	}
}

var started = time.Now()

// progress reports on stderr, keeping stdout for the results.
func progress(format string, args ...any) {
	elapsed := time.Since(started).Seconds()
	fmt.Fprintf(os.Stderr, "[%7.1fs] %s\n", elapsed, fmt.Sprintf(format, args...))
}
