package transfer_test

import (
	"crypto/sha256"
	"runtime"
	"testing"

	"github.com/cofferhq/coffer/agent/transfer"
	"github.com/cofferhq/coffer/protocol"
)

const mib = 1 << 20

// TestS3SinkAgainstRealServer streams about 40 MiB through 5 MiB parts to
// the S3 test server and reads it back through a presigned GET.
func TestS3SinkAgainstRealServer(t *testing.T) {
	bucket := newTestBucket(t)
	ctx := testContext(t)
	up := bucket.startUpload(ctx, "shop/b1/vol.tar.zst")

	initial, err := up.nextURLs(ctx, 1, 2)
	if err != nil {
		t.Fatalf("presign first parts: %v", err)
	}
	sink, err := transfer.NewS3Sink(ctx, transfer.S3SinkOptions{
		Plan:     protocol.UploadPlan{PartSize: 5 * mib, MaxParts: 10000},
		URLs:     initial,
		NextURLs: up.nextURLs,
		URLBatch: 3,
	})
	if err != nil {
		t.Fatalf("NewS3Sink: %v", err)
	}

	data := randomData(t, 40*mib+12345)
	writeInChunks(t, sink, data, 300_000)
	if err := sink.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	receipts := sink.Receipts()
	if len(receipts) != 9 {
		t.Fatalf("got %d receipts, want 9", len(receipts))
	}
	up.complete(ctx, receipts)

	if size, ok := up.size(ctx); !ok || size != int64(len(data)) {
		t.Fatalf("stored object has %d bytes (exists %v), want %d", size, ok, len(data))
	}

	got, want := up.storedSHA256(ctx, int64(len(data))), sha256.Sum256(data)
	if string(got) != string(want[:]) {
		t.Fatalf("downloaded sha256 %x, want %x", got, want)
	}
}

// TestS3SinkAbortAgainstRealServer checks that an aborted upload leaves no
// object: the sink stops, the control plane aborts.
func TestS3SinkAbortAgainstRealServer(t *testing.T) {
	bucket := newTestBucket(t)
	ctx := testContext(t)
	up := bucket.startUpload(ctx, "shop/b2/db.sql.zst")

	sink, err := transfer.NewS3Sink(ctx, transfer.S3SinkOptions{
		Plan:     protocol.UploadPlan{PartSize: 5 * mib, MaxParts: 10000},
		NextURLs: up.nextURLs,
	})
	if err != nil {
		t.Fatalf("NewS3Sink: %v", err)
	}
	writeInChunks(t, sink, randomData(t, 12*mib), 1*mib)
	if err := sink.Abort(); err != nil {
		t.Fatalf("Abort: %v", err)
	}
	up.abort(ctx)

	if size, ok := up.size(ctx); ok {
		t.Fatalf("object of %d bytes exists after abort", size)
	}
}

// TestS3SinkMemoryIsBounded streams far more than the sink may hold and
// checks that it allocated only its part buffers, not the stream.
func TestS3SinkMemoryIsBounded(t *testing.T) {
	bucket := newTestBucket(t)
	ctx := testContext(t)
	up := bucket.startUpload(ctx, "shop/b3/big.tar.zst")

	const partSize = 5 * mib
	sink, err := transfer.NewS3Sink(ctx, transfer.S3SinkOptions{
		Plan:     protocol.UploadPlan{PartSize: partSize, MaxParts: 10000},
		NextURLs: up.nextURLs,
	})
	if err != nil {
		t.Fatalf("NewS3Sink: %v", err)
	}
	got, _ := streamAllocations(t, sink, 240) // 60 MiB

	// The buffers, plus room for the HTTP client's own allocations.
	const limit = (transfer.DefaultConcurrency+1)*partSize + 8*mib
	if got > limit {
		t.Fatalf("allocated %d MiB for a 60 MiB stream, want at most %d MiB",
			got/mib, limit/mib)
	}
	up.abort(ctx)
}

// TestS3SinkMemoryStaysSmallWithLargeParts streams through parts as large
// as a big volume needs to fit in 1,000 parts: with a spool directory they
// go through files, and memory holds none of them.
func TestS3SinkMemoryStaysSmallWithLargeParts(t *testing.T) {
	bucket := newTestBucket(t)
	ctx := testContext(t)
	up := bucket.startUpload(ctx, "shop/b4/huge.tar.zst")

	const partSize = 24 * mib
	sink, err := transfer.NewS3Sink(ctx, transfer.S3SinkOptions{
		Plan:     protocol.UploadPlan{PartSize: partSize, MaxParts: 10000},
		NextURLs: up.nextURLs,
		SpoolDir: t.TempDir(),
	})
	if err != nil {
		t.Fatalf("NewS3Sink: %v", err)
	}
	got, sum := streamAllocations(t, sink, 360) // 90 MiB: 3 full parts and a last one

	// Not one part's worth: only the HTTP client's own allocations.
	const limit = 8 * mib
	if got > limit {
		t.Fatalf("allocated %d MiB for a stream in %d MiB parts, want at most %d MiB",
			got/mib, partSize/mib, limit/mib)
	}

	receipts := sink.Receipts()
	if len(receipts) != 4 || receipts[0].Size != partSize || receipts[3].Size != 18*mib {
		t.Fatalf("receipts %+v, want three of %d MiB and one of 18 MiB", receipts,
			partSize/mib)
	}
	up.complete(ctx, receipts)
	if string(up.storedSHA256(ctx, 90*mib)) != string(sum) {
		t.Fatal("the stored object differs from the stream")
	}
}

// streamAllocations writes chunks of 256 KiB of random data to sink and
// closes it. It returns the bytes allocated meanwhile, by the sink and
// anything it calls, and the sha256 of the stream.
func streamAllocations(t *testing.T, sink *transfer.S3Sink, chunks int) (uint64, []byte) {
	t.Helper()
	chunk := randomData(t, 256<<10)
	hash := sha256.New()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for range chunks {
		if _, err := sink.Write(chunk); err != nil {
			t.Fatalf("Write: %v", err)
		}
		hash.Write(chunk)
	}
	if err := sink.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc, hash.Sum(nil)
}
