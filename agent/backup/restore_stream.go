package backup

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/cofferhq/coffer/agent/archive"
	"github.com/cofferhq/coffer/protocol"
)

// restoreInto extracts the object into dir, creating it if missing, and
// checks the object's size and checksum, which can only be known at its
// end.
func restoreInto(c *call, src io.Reader, dir string,
	req protocol.RestoreItemRequest) (protocol.RestoreItemResult, *failure) {
	var res protocol.RestoreItemResult
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return res, failf(protocol.CodeInternal, err,
			"The restore target %s cannot be created: %v.", dir, err)
	}

	var prog progress
	stop := prog.report(c)
	x, err := extractObject(c.ctx, src, dir, &prog)
	stop()
	if err != nil {
		f := restoreFailure(c, x, err)
		f.msg += " " + partialNote(dir, req)
		return res, f
	}
	if f := verify(req, x, dir); f != nil {
		return res, f
	}
	res.Bytes, res.Files = x.stats.Bytes, x.stats.Files
	return res, nil
}

// extracted is what one run of the restore pipeline produced.
type extracted struct {
	stats     archive.Stats
	size      int64
	sha256    string
	storeErr  error // reading the stored object failed
	decodeErr error // the object is not a zstd stream
}

// extractObject runs object → digest → zstd -d → tar extraction.
func extractObject(ctx context.Context, src io.Reader, target string,
	prog *progress) (extracted, error) {
	var x extracted
	stored := &readRecorder{r: src, n: &prog.read}
	digest := archive.NewDigest(nil)
	hashed := io.TeeReader(stored, digest)
	zr, err := archive.Decompress(hashed)
	if err != nil {
		return x, err
	}

	decoded := &readRecorder{r: zr, n: &prog.written}
	opts := archive.ExtractOptions{AllowAbsoluteSymlinks: true}
	x.stats, err = archive.Extract(ctx, decoded, target, opts)
	if err == nil {
		// The tar ends before the stream: reading on checks the last
		// zstd frame to its end.
		_, err = io.Copy(io.Discard, decoded)
	}
	_ = zr.Close()
	if err == nil {
		// Whatever follows the frames is hashed too, so the sum covers
		// the whole object.
		_, err = io.Copy(io.Discard, hashed)
	}
	x.storeErr, x.decodeErr = stored.failure(), decoded.failure()
	x.size, x.sha256 = digest.Sum()
	return x, err
}

// restoreFailure blames a failed extraction on its cause.
func restoreFailure(c *call, x extracted, err error) *failure {
	switch {
	case c.canceled() != nil:
		return canceledFailure(c.canceled())
	case x.storeErr != nil:
		return objectFailure(x.storeErr)
	case errors.Is(err, archive.ErrUnsafePath) || errors.Is(err, archive.ErrSparseEntry):
		return failf(protocol.CodeUnsafeArchive, err,
			"The archive holds an entry that is not safe to extract, and extraction "+
				"stopped there: %v.", err)
	case x.decodeErr != nil || errors.Is(err, tar.ErrHeader) ||
		errors.Is(err, io.ErrUnexpectedEOF):
		return failf(protocol.CodeChecksum, err, "The stored object is damaged: %v.", err)
	}
	return failf(protocol.CodeInternal, err, "Writing the restored files failed: %v.", err)
}

// partialNote says what a failed extraction left behind.
func partialNote(dir string, req protocol.RestoreItemRequest) string {
	if req.Mode == protocol.RestoreReplace {
		return "The volume was left as it was."
	}
	return fmt.Sprintf("Files extracted before the failure remain in %s.", dir)
}

// verify compares the object read with what the control plane recorded.
// Extraction has already happened by then, so a mismatch says so.
func verify(req protocol.RestoreItemRequest, x extracted, dir string) *failure {
	sizeOK := req.Size <= 0 || x.size == req.Size
	sumOK := req.SHA256 == "" || strings.EqualFold(x.sha256, req.SHA256)
	if sizeOK && sumOK {
		return nil
	}
	err := fmt.Errorf("verify object: %d bytes with sha256 %s, want %d bytes with sha256 %s",
		x.size, x.sha256, req.Size, req.SHA256)
	f := failf(protocol.CodeChecksum, err,
		"The stored object does not match its recorded checksum (%d bytes, sha256 %s; "+
			"recorded %d bytes, sha256 %s).", x.size, x.sha256, req.Size, req.SHA256)
	if req.Mode == protocol.RestoreReplace {
		f.msg += " The volume was left as it was."
	} else {
		f.msg += fmt.Sprintf(" It was already extracted into %s, which may hold "+
			"damaged files.", dir)
	}
	return f
}
