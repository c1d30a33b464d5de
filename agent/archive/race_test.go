//go:build race

package archive_test

// raceEnabled: the race detector multiplies memory use, so RSS limits
// cannot be checked under it.
const raceEnabled = true
