package archivetest

import (
	"math/rand/v2"
)

var words = []string{
	"volume", "backup", "restore", "container", "snapshot", "stream",
	"archive", "zstd", "tar", "host", "agent", "control", "plane", "config",
	"database", "postgres", "mysql", "mongo", "redis", "nginx", "listen",
	"server", "upstream", "timeout", "worker", "buffer", "level", "warn",
	"error", "info", "debug", "request", "response", "path", "user", "group",
	"mode", "owner", "size", "bytes", "hash", "sha256", "true", "false",
	"0", "1", "42", "8080", "443", "127.0.0.1", "localhost", "=", ":", "{",
	"}", "#", "-", "the", "a", "of", "and", "to", "in",
}

// text returns about n bytes of word soup: compressible like the
// configuration files and logs volumes are full of.
func text(rng *rand.Rand, n int) []byte {
	b := make([]byte, 0, n+16)
	for len(b) < n {
		b = append(b, words[rng.IntN(len(words))]...)
		if rng.IntN(12) == 0 {
			b = append(b, '\n')
		} else {
			b = append(b, ' ')
		}
	}
	return b[:n]
}

// block returns n pseudo-random bytes, which do not compress.
func block(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := 0; i+8 <= n; i += 8 {
		v := rng.Uint64()
		for j := range 8 {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return b
}
