// Package testenv finds the services that Coffer's integration tests need —
// containerd, an S3 server and PostgreSQL, as scripts/test-env.sh starts them —
// and skips a test that cannot reach one, except in CI, where it fails.
//
// It is for tests only: import it from _test files or from test helper
// packages (named *test) that are themselves imported only by tests, never
// from code that ends up in a binary.
package testenv
