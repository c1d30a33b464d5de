package archive

import (
	"fmt"
	"io"
	"runtime"

	"github.com/klauspost/compress/zstd"
	"github.com/klauspost/readahead"
)

// Level is a compression level. The zero value is the default.
type Level int

// The levels Compress accepts, each with the zstd level it comes closest to.
const (
	LevelDefault Level = iota // zstd's level 3: fast, and a good ratio
	LevelFastest              // zstd's level 1
	LevelBetter               // about zstd's level 7
	LevelBest                 // about zstd's level 11; much slower
)

const (
	// frameSize is the input of each zstd frame. Frames are compressed
	// independently, so no match reaches into the frame before; on the
	// benchmark's 1 GiB volume 1 MiB frames compressed as well as one
	// stream with a 4 MiB window did (471 MiB against 472 MiB), and each
	// frame in flight costs 2 MiB of buffers.
	frameSize = 1 << 20
	// maxWorkers bounds the frames compressed at once, and with them the
	// memory, on hosts with many cores.
	maxWorkers = 4
	// decoderMaxWindow refuses frames that would need a larger history.
	// It covers everything Compress writes and what the zstd command
	// writes up to level 19 without --long.
	decoderMaxWindow = 8 << 20
	// readAheadBuffers of readAheadSize bytes hold decoded data not yet
	// read.
	readAheadBuffers = 4
	readAheadSize    = 1 << 20
)

// Compress returns a writer that compresses into w as a run of zstd frames,
// one for every 1 MiB of input, on up to four cores at once. Any zstd
// decoder reads the frames back as one stream. Close it to write the last
// frame; it does not close w.
//
// Memory stays bounded whatever the input size: about 4 MiB per core used
// (two frames' buffers and an encoder), and 2 MiB each for the frame being
// filled and the one being written out. Built with cgo, the agent
// compresses with the zstd library; without, with the pure-Go encoder.
// Both write the same format.
func Compress(w io.Writer, level Level) (io.WriteCloser, error) {
	return compressWith(w, level, newEncoder)
}

// compressWith is Compress with the encoder that newEnc makes.
func compressWith(w io.Writer, level Level, newEnc newEncoderFunc) (io.WriteCloser, error) {
	workers := min(runtime.GOMAXPROCS(0), maxWorkers)
	return newFrameWriter(w, func() (frameEncoder, error) { return newEnc(level) },
		frameSize, workers)
}

// Decompress returns a reader of the decompressed stream r. Its memory stays
// bounded: frames asking for a window above 8 MiB are refused. Close it to
// release its goroutine; Close waits until that no longer reads r.
//
// One goroutine reads r and decodes up to 4 MiB ahead of the caller, so
// that reading the object, hashing it and decoding it run beside the
// extraction of files rather than between them. The decoder's own
// concurrency is left off: with many small frames it cost more CPU than it
// saved.
func Decompress(r io.Reader) (io.ReadCloser, error) {
	dec, err := zstd.NewReader(r,
		zstd.WithDecoderLowmem(true),
		zstd.WithDecoderMaxWindow(decoderMaxWindow),
		zstd.WithDecoderConcurrency(1),
	)
	if err != nil {
		return nil, fmt.Errorf("create zstd decoder: %w", err)
	}
	ahead, err := readahead.NewReadCloserSize(dec.IOReadCloser(), readAheadBuffers,
		readAheadSize)
	if err != nil {
		dec.Close()
		return nil, fmt.Errorf("create read-ahead: %w", err)
	}
	return ahead, nil
}
