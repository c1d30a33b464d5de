package archive

import (
	"fmt"

	"github.com/klauspost/compress/zstd"
)

// frameEncoder compresses whole frames. Each compressing goroutine owns
// one, so an implementation needs no locking.
type frameEncoder interface {
	// encodeFrame appends to dst one zstd frame holding src.
	encodeFrame(dst, src []byte) ([]byte, error)
}

// newEncoderFunc makes the encoder of one compressing goroutine.
type newEncoderFunc func(Level) (frameEncoder, error)

// goEncoder is the pure-Go zstd encoder of klauspost/compress. It is used
// where the agent is built without cgo; with cgo the C library is used,
// which compresses the same frames with about 40% less CPU time.
type goEncoder struct{ enc *zstd.Encoder }

func newGoEncoder(level Level) (frameEncoder, error) {
	zl, err := level.goLevel()
	if err != nil {
		return nil, err
	}
	enc, err := zstd.NewWriter(nil,
		zstd.WithEncoderLevel(zl),
		zstd.WithEncoderConcurrency(1),
		zstd.WithWindowSize(frameSize),
		zstd.WithZeroFrames(true),
	)
	if err != nil {
		return nil, fmt.Errorf("create zstd encoder: %w", err)
	}
	return goEncoder{enc: enc}, nil
}

func (e goEncoder) encodeFrame(dst, src []byte) ([]byte, error) {
	return e.enc.EncodeAll(src, dst), nil
}

func (l Level) goLevel() (zstd.EncoderLevel, error) {
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
		return 0, errUnknownLevel(l)
	}
}

// cLevel is the zstd library's level that each Level stands for.
func (l Level) cLevel() (int, error) {
	switch l {
	case LevelDefault:
		return 3, nil
	case LevelFastest:
		return 1, nil
	case LevelBetter:
		return 7, nil
	case LevelBest:
		return 11, nil
	default:
		return 0, errUnknownLevel(l)
	}
}

func errUnknownLevel(l Level) error {
	return fmt.Errorf("select compression level: unknown level %d", int(l))
}
