package transfer_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cofferhq/coffer/agent/transfer"
	"github.com/cofferhq/coffer/protocol"
)

const testPartSize = 64 << 10

// fastRetry keeps the retry loop's shape while making its waits short.
var fastRetry = transfer.RetryPolicy{
	Attempts: 4, MinDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond,
}

func newFakeSink(t *testing.T, fake *fakeParts, change func(*transfer.S3SinkOptions)) (
	*transfer.S3Sink, *signer) {
	t.Helper()
	sign := &signer{fake: fake, ttl: time.Hour}
	opts := transfer.S3SinkOptions{
		Plan:     protocol.UploadPlan{PartSize: testPartSize, MaxParts: 10000},
		NextURLs: sign.next,
		Retry:    fastRetry,
	}
	if change != nil {
		change(&opts)
	}

	sink, err := transfer.NewS3Sink(testContext(t), opts)
	if err != nil {
		t.Fatalf("NewS3Sink: %v", err)
	}
	return sink, sign
}

// TestS3SinkRetriesTransientFailures resends failed parts, from memory
// and from part files alike.
func TestS3SinkRetriesTransientFailures(t *testing.T) {
	t.Run("memory", func(t *testing.T) { testRetries(t, nil) })
	t.Run("spooled", func(t *testing.T) { testRetries(t, spoolParts(t)) })
}

func testRetries(t *testing.T, change func(*transfer.S3SinkOptions)) {
	fake := newFakeParts(t)
	fake.fail[2] = []int{http.StatusInternalServerError}
	fake.fail[3] = []int{http.StatusTooManyRequests, http.StatusServiceUnavailable}
	fake.resetOnce[4] = true

	var progress []int64
	var progressMu sync.Mutex
	sink, _ := newFakeSink(t, fake, func(o *transfer.S3SinkOptions) {
		if change != nil {
			change(o)
		}
		o.Progress = func(n int64) {
			progressMu.Lock()
			defer progressMu.Unlock()
			progress = append(progress, n)
		}
	})

	data := randomData(t, 5*testPartSize+123)
	writeInChunks(t, sink, data, 10_000)
	if err := sink.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	got, _ := fake.assembled()
	if !bytes.Equal(got, data) {
		t.Fatalf("stored %d bytes that differ from the %d written", len(got), len(data))
	}
	checkReceipts(t, sink.Receipts(), int64(len(data)))
	if fake.requests[2] != 2 || fake.requests[3] != 3 || fake.requests[4] != 2 {
		t.Errorf("requests per part = %v; want 2 for part 2, 3 for part 3, 2 for part 4",
			fake.requests)
	}
	if fake.maxInFlight > transfer.DefaultConcurrency {
		t.Errorf("%d parts in flight at once, want at most %d",
			fake.maxInFlight, transfer.DefaultConcurrency)
	}
	if !slices.IsSorted(progress) || progress[len(progress)-1] != int64(len(data)) {
		t.Errorf("progress = %v; want increasing up to %d", progress, len(data))
	}
}

func TestS3SinkGivesUpOnPersistentFailure(t *testing.T) {
	fake := newFakeParts(t)
	fake.failAlways[2] = http.StatusServiceUnavailable
	sink, _ := newFakeSink(t, fake, nil)

	_, writeErr := sink.Write(randomData(t, 4*testPartSize))
	closeErr := sink.Close()
	err := errors.Join(writeErr, closeErr)

	if !errors.Is(err, transfer.ErrUnavailable) || !transfer.IsRetryable(err) {
		t.Fatalf("error = %v, want retryable ErrUnavailable", err)
	}
	if msg := err.Error(); strings.Contains(msg, "topsecret") ||
		strings.Contains(msg, fake.server.URL) {
		t.Fatalf("error %q repeats the presigned URL", err)
	}
	if got := fake.requests[2]; got != fastRetry.Attempts {
		t.Errorf("part 2 tried %d times, want %d", got, fastRetry.Attempts)
	}
	if sink.Receipts() != nil {
		t.Errorf("Receipts after failure = %v, want none", sink.Receipts())
	}
	if err := sink.Abort(); err != nil {
		t.Errorf("Abort after failure: %v", err)
	}
}

func TestS3SinkDoesNotRetryRejection(t *testing.T) {
	fake := newFakeParts(t)
	fake.failAlways[1] = http.StatusForbidden
	sink, _ := newFakeSink(t, fake, nil)

	if _, err := sink.Write([]byte("some bytes")); err != nil {
		t.Fatalf("Write: %v", err)
	}
	err := sink.Close()
	if !errors.Is(err, transfer.ErrRejected) || transfer.IsRetryable(err) {
		t.Fatalf("Close = %v, want ErrRejected, not retryable", err)
	}
	if got := fake.requests[1]; got != 1 {
		t.Errorf("part 1 tried %d times, want 1", got)
	}
}

func TestS3SinkAskingForURLs(t *testing.T) {
	fake := newFakeParts(t)
	stale := time.Now().Add(time.Minute) // inside the sink's safety margin
	sink, sign := newFakeSink(t, fake, func(o *transfer.S3SinkOptions) {
		o.URLs = []protocol.PresignedPart{
			fake.url(1, time.Now().Add(time.Hour)), fake.url(2, time.Now().Add(time.Hour)),
			fake.url(3, stale),
		}
		o.URLBatch = 4
		o.Plan.MaxParts = 9
		// One part at a time makes the order of the requests for URLs
		// fixed; with more, part 4 may ask before part 3 does.
		o.Concurrency = 1
	})

	writeInChunks(t, sink, randomData(t, 9*testPartSize), 1<<20)
	if err := sink.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	want := [][2]int32{{3, 4}, {7, 3}}
	if !slices.Equal(sign.calls, want) {
		t.Fatalf("NextURLs calls (first, count) = %v, want %v", sign.calls, want)
	}
}

func TestS3SinkStopsAtMaxParts(t *testing.T) {
	fake := newFakeParts(t)
	sink, _ := newFakeSink(t, fake, func(o *transfer.S3SinkOptions) { o.Plan.MaxParts = 2 })

	_, err := sink.Write(randomData(t, 3*testPartSize))
	if !errors.Is(err, transfer.ErrTooManyParts) {
		t.Fatalf("Write = %v, want ErrTooManyParts", err)
	}
	if err := sink.Close(); !errors.Is(err, transfer.ErrTooManyParts) {
		t.Fatalf("Close = %v, want ErrTooManyParts", err)
	}
}

func TestS3SinkEmptyStreamIsOneEmptyPart(t *testing.T) {
	fake := newFakeParts(t)
	sink, _ := newFakeSink(t, fake, nil)
	if err := sink.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	receipts := sink.Receipts()
	if len(receipts) != 1 || receipts[0].Number != 1 || receipts[0].Size != 0 {
		t.Fatalf("Receipts = %v, want one empty part 1", receipts)
	}
}

func TestS3SinkCancelled(t *testing.T) {
	fake := newFakeParts(t)
	fake.failAlways[1] = http.StatusServiceUnavailable
	ctx, cancel := context.WithCancel(testContext(t))
	sink, err := transfer.NewS3Sink(ctx, transfer.S3SinkOptions{
		Plan:     protocol.UploadPlan{PartSize: testPartSize, MaxParts: 100},
		NextURLs: (&signer{fake: fake, ttl: time.Hour}).next,
		Retry:    transfer.RetryPolicy{Attempts: 100, MinDelay: time.Hour},
	})
	if err != nil {
		t.Fatalf("NewS3Sink: %v", err)
	}

	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err = io.Copy(sink, io.LimitReader(rand.Reader, 1<<30))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Write after cancel = %v, want context.Canceled", err)
	}
	if err := sink.Close(); !errors.Is(err, context.Canceled) {
		t.Fatalf("Close after cancel = %v, want context.Canceled", err)
	}
	if err := sink.Abort(); err != nil {
		t.Fatalf("Abort: %v", err)
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Fatalf("cancelled sink took %s to stop", elapsed)
	}
}

// TestS3SinkSpoolDirMissing fails the stream, naming the directory, when
// a part file cannot be made.
func TestS3SinkSpoolDirMissing(t *testing.T) {
	fake := newFakeParts(t)
	dir := filepath.Join(t.TempDir(), "gone")
	sink, _ := newFakeSink(t, fake, func(o *transfer.S3SinkOptions) {
		o.SpoolDir = dir
	})
	_, err := sink.Write([]byte("data"))
	if err == nil || !strings.Contains(err.Error(), dir) {
		t.Fatalf("Write = %v, want an error naming %s", err, dir)
	}
	if err := sink.Close(); err == nil {
		t.Fatal("Close succeeded after a failed write")
	}
	if n := len(fake.parts); n != 0 {
		t.Errorf("%d parts stored, want none", n)
	}
}

func TestS3SinkRefusesBadPlan(t *testing.T) {
	for _, plan := range []protocol.UploadPlan{
		{PartSize: 0, MaxParts: 10}, {PartSize: 6 << 30, MaxParts: 10},
		{PartSize: 5 << 20, MaxParts: 0}, {PartSize: 5 << 20, MaxParts: 10001},
	} {
		_, err := transfer.NewS3Sink(context.Background(), transfer.S3SinkOptions{Plan: plan})
		if !errors.Is(err, transfer.ErrRejected) {
			t.Errorf("NewS3Sink(%+v) = %v, want ErrRejected", plan, err)
		}
	}
}

// checkReceipts checks the rule R2 enforces: every part but the last has
// the plan's size.
func checkReceipts(t *testing.T, receipts []protocol.PartReceipt, total int64) {
	t.Helper()
	var sum int64
	for i, r := range receipts {
		if r.Number != int32(i+1) || r.ETag == "" {
			t.Fatalf("receipt %d = %+v, want part %d with an ETag", i, r, i+1)
		}
		if i < len(receipts)-1 && r.Size != testPartSize {
			t.Fatalf("part %d has %d bytes, want %d", r.Number, r.Size, testPartSize)
		}
		sum += r.Size
	}
	if sum != total {
		t.Fatalf("receipts add up to %d bytes, want %d", sum, total)
	}
}

// writeInChunks writes data in pieces of varying size, as a compressor
// would.
func writeInChunks(t *testing.T, w io.Writer, data []byte, chunk int) {
	t.Helper()
	for i := 0; len(data) > 0; i++ {
		n := min(len(data), chunk/2+(i*7919)%chunk+1)
		if _, err := w.Write(data[:n]); err != nil {
			t.Fatalf("Write: %v", err)
		}
		data = data[n:]
	}
}

func randomData(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatalf("random data: %v", err)
	}
	return b
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}
