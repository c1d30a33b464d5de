package transfer_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"testing"

	"github.com/cofferhq/coffer/agent/transfer"
	"github.com/cofferhq/coffer/protocol"
)

// sinkCase makes one sink and reads back what it stored: stored returns
// the committed bytes, or false when nothing was committed. Streams span a
// few parts of partSize.
type sinkCase struct {
	name     string
	partSize int
	open     func(t *testing.T) (sink transfer.Sink, stored func() ([]byte, bool))
}

var sinkCases = []sinkCase{
	{"local", testPartSize, openLocalCase},
	{"s3-fake", testPartSize, openFakeS3Case},
	// The real server, like AWS, refuses parts under 5 MiB but the last.
	{"s3-real", 5 * mib, openRealS3Case},
	// The same with every part in a file, as large parts are.
	{"s3-fake-spooled", testPartSize, openSpooledFakeS3Case},
	{"s3-real-spooled", 5 * mib, openSpooledRealS3Case},
}

// TestSinkConformance runs the same checks against every Sink.
func TestSinkConformance(t *testing.T) {
	for _, c := range sinkCases {
		t.Run(c.name, func(t *testing.T) {
			t.Run("stores the stream", func(t *testing.T) {
				sink, stored := c.open(t)
				data := randomData(t, 2*c.partSize+17)
				writeInChunks(t, sink, data, 50_000)
				if err := sink.Close(); err != nil {
					t.Fatalf("Close: %v", err)
				}
				if got, ok := stored(); !ok || !bytes.Equal(got, data) {
					t.Fatalf("stored %d bytes (committed %v), want the %d written",
						len(got), ok, len(data))
				}
			})
			t.Run("abort stores nothing", func(t *testing.T) {
				sink, stored := c.open(t)
				writeInChunks(t, sink, randomData(t, c.partSize+5), 50_000)
				if err := sink.Abort(); err != nil {
					t.Fatalf("Abort: %v", err)
				}
				if err := sink.Abort(); err != nil {
					t.Fatalf("second Abort: %v", err)
				}
				if got, ok := stored(); ok {
					t.Fatalf("%d bytes stored after Abort", len(got))
				}
			})
			t.Run("closed refuses writes", func(t *testing.T) {
				sink, _ := c.open(t)
				if err := sink.Close(); err != nil {
					t.Fatalf("Close: %v", err)
				}
				if _, err := sink.Write([]byte("late")); !errors.Is(err, transfer.ErrClosed) {
					t.Fatalf("Write after Close = %v, want ErrClosed", err)
				}
			})
		})
	}
}

func openLocalCase(t *testing.T) (transfer.Sink, func() ([]byte, bool)) {
	target := protocol.LocalTarget{Dir: t.TempDir()}
	sink, err := transfer.NewLocalSink(target, "p/b/item")
	if err != nil {
		t.Fatalf("NewLocalSink: %v", err)
	}
	return sink, func() ([]byte, bool) {
		r, err := transfer.OpenLocal(target, "p/b/item")
		if errors.Is(err, transfer.ErrNotFound) {
			return nil, false
		}
		if err != nil {
			t.Fatalf("OpenLocal: %v", err)
		}
		defer r.Close()
		data, err := io.ReadAll(r)
		if err != nil {
			t.Fatalf("read back: %v", err)
		}
		return data, true
	}
}

func openFakeS3Case(t *testing.T) (transfer.Sink, func() ([]byte, bool)) {
	return openFakeS3(t, nil)
}

func openSpooledFakeS3Case(t *testing.T) (transfer.Sink, func() ([]byte, bool)) {
	return openFakeS3(t, spoolParts(t))
}

func openFakeS3(t *testing.T, change func(*transfer.S3SinkOptions)) (
	transfer.Sink, func() ([]byte, bool)) {
	fake := newFakeParts(t)
	sink, _ := newFakeSink(t, fake, change)
	return sink, func() ([]byte, bool) {
		// Parts count as stored only once the sink hands out receipts.
		if sink.Receipts() == nil {
			return nil, false
		}
		return fake.assembled()
	}
}

// openRealS3Case uploads to the S3 test server; stored completes the
// upload the way the control plane would after a successful Close.
func openRealS3Case(t *testing.T) (transfer.Sink, func() ([]byte, bool)) {
	return openRealS3(t, nil)
}

func openSpooledRealS3Case(t *testing.T) (transfer.Sink, func() ([]byte, bool)) {
	return openRealS3(t, spoolParts(t))
}

func openRealS3(t *testing.T, change func(*transfer.S3SinkOptions)) (
	transfer.Sink, func() ([]byte, bool)) {
	bucket := newTestBucket(t)
	ctx := testContext(t)
	up := bucket.startUpload(ctx, "p/b/item")
	opts := transfer.S3SinkOptions{
		Plan:     protocol.UploadPlan{PartSize: 5 * mib, MaxParts: 10000},
		NextURLs: up.nextURLs,
		Retry:    fastRetry,
	}
	if change != nil {
		change(&opts)
	}
	sink, err := transfer.NewS3Sink(ctx, opts)
	if err != nil {
		t.Fatalf("NewS3Sink: %v", err)
	}
	return sink, func() ([]byte, bool) {
		receipts := sink.Receipts()
		if receipts == nil {
			up.abort(ctx)
		} else {
			up.complete(ctx, receipts)
		}
		size, ok := up.size(ctx)
		if !ok {
			return nil, false
		}
		body, err := transfer.Download(ctx, up.presignGet(ctx, size))
		if err != nil {
			t.Fatalf("Download: %v", err)
		}
		defer body.Close()
		data, err := io.ReadAll(body)
		if err != nil {
			t.Fatalf("read back: %v", err)
		}
		return data, true
	}
}

// spoolParts has a sink keep every part in a file, in a directory that
// must be empty once the test is over.
func spoolParts(t *testing.T) func(*transfer.S3SinkOptions) {
	dir := t.TempDir()
	t.Cleanup(func() {
		entries, err := os.ReadDir(dir)
		if err != nil || len(entries) != 0 {
			t.Errorf("spool directory holds %d entries (%v), want none", len(entries), err)
		}
	})
	return func(o *transfer.S3SinkOptions) {
		o.SpoolDir = dir
	}
}
