package archive

import (
	"fmt"
	"io"
	"runtime"

	"github.com/klauspost/compress/zstd"
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
	// encoderWindow bounds the encoder's history, the largest part of its
	// memory. The zstd command uses 2 MiB at its default level; 4 MiB
	// costs about 9 MiB of RSS where 8 MiB costs 17 MiB, for a ratio
	// within a percent or two on volume data.
	encoderWindow = 4 << 20
	// decoderMaxWindow refuses frames that would need a larger history.
	// It covers everything Compress writes and what the zstd command
	// writes up to level 19 without --long.
	decoderMaxWindow = 8 << 20
)

// Compress returns a writer that compresses into w as one zstd frame. Close
// it to finish the frame; it does not close w.
//
// The encoder compresses one block while the caller fills the next, so a
// stream keeps two cores busy together with Write. Its memory is bounded by
// the window and two block buffers, whatever the input size. The encoder's
// job mode (WithConcurrentBlocks) would spread one stream over more cores,
// but holds several 4×window jobs per core in flight: hundreds of MiB.
func Compress(w io.Writer, level Level) (io.WriteCloser, error) {
	zl, err := level.zstd()
	if err != nil {
		return nil, err
	}
	enc, err := zstd.NewWriter(w,
		zstd.WithEncoderLevel(zl),
		zstd.WithEncoderConcurrency(runtime.GOMAXPROCS(0)),
		zstd.WithWindowSize(encoderWindow),
	)
	if err != nil {
		return nil, fmt.Errorf("create zstd encoder: %w", err)
	}
	return enc, nil
}

// Decompress returns a reader of the decompressed stream r. Its memory stays
// bounded: frames asking for a window above 8 MiB are refused. Close it to
// release the decoder's goroutines.
func Decompress(r io.Reader) (io.ReadCloser, error) {
	dec, err := zstd.NewReader(r,
		zstd.WithDecoderLowmem(true),
		zstd.WithDecoderMaxWindow(decoderMaxWindow),
		zstd.WithDecoderConcurrency(2),
	)
	if err != nil {
		return nil, fmt.Errorf("create zstd decoder: %w", err)
	}
	return dec.IOReadCloser(), nil
}

func (l Level) zstd() (zstd.EncoderLevel, error) {
	switch l {
	case LevelDefault:
		return zstd.SpeedDefault, nil
	case LevelFastest:
		return zstd.SpeedFastest, nil
	case LevelBetter:
		return zstd.SpeedBetterCompression, nil
	case LevelBest:
		return zstd.SpeedBestCompression, nil
	default:
		return 0, fmt.Errorf("select compression level: unknown level %d", int(l))
	}
}
