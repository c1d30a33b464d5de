//go:build !cgo

package archive

// newEncoder is the pure-Go encoder: without cgo the zstd library cannot
// be linked.
var newEncoder newEncoderFunc = newGoEncoder
