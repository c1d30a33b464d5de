package storage

// Bounds on the size of one part of a multipart upload.
const (
	// MinPartSize is the smallest part S3 accepts, the last part excepted.
	MinPartSize int64 = 5 << 20
	// MaxPartSize is the largest part S3 accepts.
	MaxPartSize int64 = 5 << 30
	partAlign   int64 = 1 << 20

	// maxExpectedSize keeps the margin arithmetic far from overflow; it is
	// well past what any provider stores in one object.
	maxExpectedSize int64 = 1 << 50
)

// PartSize returns the part size for a stream expected to be about
// expectedSize bytes, when the provider accepts at most maxParts parts
// (10,000 on AWS, B2 and R2; fewer on some others).
//
// The stream is compressed on the fly, so its final size is unknown: a
// margin of a quarter plus 64 MiB is added before dividing. The result is
// the smallest multiple of 1 MiB, at least MinPartSize, that fits the
// padded size into maxParts parts, capped at MaxPartSize. An expectedSize
// of zero or less is treated as zero: callers should pass an estimate, as
// an unexpectedly large stream fails when it runs out of parts.
func PartSize(expectedSize int64, maxParts int) int64 {
	if maxParts <= 0 || maxParts > MaxPartNumber {
		maxParts = MaxPartNumber
	}
	expectedSize = min(max(expectedSize, 0), maxExpectedSize)

	padded := expectedSize + expectedSize/4 + 64<<20
	size := ceilDiv(padded, int64(maxParts))
	size = ceilDiv(size, partAlign) * partAlign
	return min(max(size, MinPartSize), MaxPartSize)
}

func ceilDiv(a, b int64) int64 {
	return (a + b - 1) / b
}
