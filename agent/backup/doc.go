// Package backup serves the control plane's backup and restore operations
// on the agent: measuring a source, streaming one item from a directory to
// storage, and streaming it back.
//
// Each item is one stream and never a temporary file:
//
//	backup:  tar of the source → zstd → sha256 and size → sink (S3 parts or a local file)
//	restore: object → sha256 and size → zstd -d → safe tar extraction
//
// A volume's container is paused or stopped while its volume is read. A
// replace restore extracts beside the volume's contents first and stops the
// container only to swap them. Every such change is recorded in the
// journal before it is made, so that a crash never leaves a container down.
package backup
