package backup

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cofferhq/coffer/controlplane/storage"
	"github.com/cofferhq/coffer/controlplane/store"
	"github.com/cofferhq/coffer/protocol"
)

// presignTTL is how long a part URL stays valid. The agent asks for fresh
// ones when those it holds are about to expire.
const presignTTL = time.Hour

// upload is the multipart upload of one item.
type upload struct {
	key, id  string
	partSize int64
	maxParts int
}

// runS3 uploads the item through URLs the control plane signs, completes
// the upload and verifies the object. Whatever fails, the upload is
// aborted, so no parts are left behind to be paid for.
func (x *itemRun) runS3(ctx context.Context, m protocol.MeasureResult) (
	protocol.BackupItemResult, error) {
	target := x.j.res.S3
	u := upload{key: x.item.ObjectKey, maxParts: x.j.res.MaxParts}
	if u.maxParts <= 0 || u.maxParts > storage.MaxPartNumber {
		u.maxParts = storage.MaxPartNumber
	}
	u.partSize = storage.PartSize(m.Bytes, u.maxParts)

	id, err := target.CreateUpload(ctx, u.key)
	if err != nil {
		return protocol.BackupItemResult{}, storageFailure(err)
	}
	u.id = id
	x.r.updateItem(ctx, x.j, x.item.ID, store.ItemUpdate{UploadID: &u.id})

	res, err := x.upload(ctx, u, m)
	if err != nil {
		x.abort(ctx, u)
		return res, err
	}

	none := ""
	x.r.updateItem(ctx, x.j, x.item.ID, store.ItemUpdate{UploadID: &none})
	return res, nil
}

func (x *itemRun) upload(ctx context.Context, u upload, m protocol.MeasureResult) (
	protocol.BackupItemResult, error) {
	first, err := x.presign(ctx, u, 1, initialParts(m.Bytes, u))
	if err != nil {
		return protocol.BackupItemResult{}, err
	}

	sink := protocol.Sink{S3: &protocol.S3Upload{
		Plan: protocol.UploadPlan{PartSize: u.partSize, MaxParts: u.maxParts},
		URLs: first,
	}}
	res, err := x.stream(ctx, x.request(sink), func(r protocol.URLRange) (
		[]protocol.PresignedPart, error) {
		return x.presign(ctx, u, r.First, r.Count)
	})
	if err != nil {
		return res, err
	}

	if err := x.j.res.S3.CompleteUpload(ctx, u.key, u.id, res.Parts); err != nil {
		return res, storageFailure(err)
	}
	return res, x.verify(ctx, u, res)
}

// initialParts is how many part URLs go with the request: enough for the
// measured size with room to spare, within one batch.
func initialParts(measured int64, u upload) int32 {
	parts := measured/u.partSize + 2
	return int32(min(parts, int64(storage.MaxPresignBatch), int64(u.maxParts)))
}

// presign signs parts first..first+count-1, refusing a range beyond the
// provider's part limit: a stream that outgrew it cannot be stored.
func (x *itemRun) presign(ctx context.Context, u upload, first, count int32) (
	[]protocol.PresignedPart, error) {
	last := int64(first) + int64(count) - 1
	if first < 1 || count < 1 || count > storage.MaxPresignBatch {
		return nil, fail("the agent asked for an invalid range of part URLs",
			fmt.Errorf("presign parts %d+%d: out of range", first, count))
	}
	if last > int64(u.maxParts) {
		return nil, fail(fmt.Sprintf("the item outgrew the %d parts of %d MiB the target "+
			"accepts", u.maxParts, u.partSize>>20),
			fmt.Errorf("presign parts %d+%d: beyond %d", first, count, u.maxParts))
	}

	parts, err := x.j.res.S3.PresignParts(ctx, u.key, u.id, first, count, presignTTL)
	if err != nil {
		return nil, storageFailure(err)
	}
	return parts, nil
}

// verify checks that storage holds an object of the size the agent
// reported. The sha256 is the agent's, computed while it streamed; it is
// recorded and checked again by every restore.
func (x *itemRun) verify(ctx context.Context, u upload, res protocol.BackupItemResult) error {
	size, _, err := x.j.res.S3.Head(ctx, u.key)
	if err != nil {
		return storageFailure(err)
	}
	if size == res.Size {
		return nil
	}

	// The object is wrong and is never used; it must not linger either.
	if err := x.j.res.S3.Delete(ctx, u.key); err != nil {
		x.j.log.Warn().Err(err).Str("key", u.key).Msg("delete unverified object failed")
	}
	return fail(fmt.Sprintf("storage holds %d bytes for the item, but the agent sent %d",
		size, res.Size), errors.New("verify object size"))
}

// abort discards the upload, even after ctx has ended.
func (x *itemRun) abort(ctx context.Context, u upload) {
	ctx, cancel := cleanupContext(ctx)
	defer cancel()
	if err := x.j.res.S3.AbortUpload(ctx, u.key, u.id); err != nil {
		x.j.log.Warn().Err(err).Str("item", x.item.ID).Msg("abort upload failed")
		return
	}
	none := ""
	x.r.updateItem(ctx, x.j, x.item.ID, store.ItemUpdate{UploadID: &none})
}
