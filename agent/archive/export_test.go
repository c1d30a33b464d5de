package archive

import "io"

// CompressGo is Compress with the pure-Go encoder, which builds without
// cgo use, so that tests cover it in every build.
func CompressGo(w io.Writer, level Level) (io.WriteCloser, error) {
	return compressWith(w, level, newGoEncoder)
}
