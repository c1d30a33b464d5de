// Package archivetest builds directory trees that exercise everything the
// archive format keeps, and compares two trees entry by entry. Backup
// integration tests use it as well as the archive package's own tests.
//
// Generate changes owners and writes trusted.* attributes, so it expects to
// run as root; as another user those parts are left out.
package archivetest
