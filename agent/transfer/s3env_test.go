package transfer_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/cofferhq/coffer/agent/transfer"
	"github.com/cofferhq/coffer/protocol"
	"github.com/cofferhq/coffer/testenv"
)

// testBucket plays the control plane against the real S3 test server: it
// holds the key, creates and completes uploads and signs URLs. The agent
// may not import the control plane, so this is a small stand-in written
// straight on the SDK.
type testBucket struct {
	t       *testing.T
	client  *s3.Client
	presign *s3.PresignClient
	bucket  string
	prefix  string
}

// newTestBucket connects to the S3 test server; without one the test is
// skipped, or fails in CI.
func newTestBucket(t *testing.T) *testBucket {
	t.Helper()
	env := testenv.S3(t)
	return &testBucket{
		t:       t,
		client:  env.Client,
		presign: s3.NewPresignClient(env.Client),
		bucket:  env.Bucket,
		prefix:  env.Prefix(t, "test"),
	}
}

// upload is one multipart upload started by the stand-in control plane.
type upload struct {
	b   *testBucket
	key string
	id  string
}

func (b *testBucket) startUpload(ctx context.Context, name string) *upload {
	b.t.Helper()
	key := b.prefix + "/" + name
	out, err := b.client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{
		Bucket: aws.String(b.bucket), Key: aws.String(key),
	})
	if err != nil {
		b.t.Fatalf("create upload: %v", err)
	}
	u := &upload{b: b, key: key, id: aws.ToString(out.UploadId)}
	b.t.Cleanup(func() { u.cleanup() })
	return u
}

// nextURLs signs parts as the control plane does on the agent's request.
func (u *upload) nextURLs(ctx context.Context, first, count int32) (
	[]protocol.PresignedPart, error) {
	parts := make([]protocol.PresignedPart, 0, count)
	for n := first; n < first+count; n++ {
		req, err := u.b.presign.PresignUploadPart(ctx, &s3.UploadPartInput{
			Bucket: aws.String(u.b.bucket), Key: aws.String(u.key),
			UploadId: aws.String(u.id), PartNumber: aws.Int32(n),
		}, s3.WithPresignExpires(time.Hour))
		if err != nil {
			return nil, err
		}
		parts = append(parts, protocol.PresignedPart{
			Number: n, URL: req.URL, ExpiresAt: time.Now().Add(time.Hour),
		})
	}
	return parts, nil
}

func (u *upload) complete(ctx context.Context, receipts []protocol.PartReceipt) {
	u.b.t.Helper()
	parts := make([]types.CompletedPart, len(receipts))
	for i, r := range receipts {
		parts[i] = types.CompletedPart{PartNumber: aws.Int32(r.Number), ETag: aws.String(r.ETag)}
	}
	_, err := u.b.client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
		Bucket: aws.String(u.b.bucket), Key: aws.String(u.key), UploadId: aws.String(u.id),
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts},
	})
	if err != nil {
		u.b.t.Fatalf("complete upload: %v", err)
	}
}

func (u *upload) abort(ctx context.Context) {
	u.b.t.Helper()
	_, err := u.b.client.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{
		Bucket: aws.String(u.b.bucket), Key: aws.String(u.key), UploadId: aws.String(u.id),
	})
	if err != nil {
		u.b.t.Fatalf("abort upload: %v", err)
	}
}

// size returns the stored object's size, or false when there is none.
func (u *upload) size(ctx context.Context) (int64, bool) {
	u.b.t.Helper()
	out, err := u.b.client.HeadObject(ctx, &s3.HeadObjectInput{
		Bucket: aws.String(u.b.bucket), Key: aws.String(u.key),
	})
	var respErr *smithyhttp.ResponseError
	if errors.As(err, &respErr) && respErr.HTTPStatusCode() == http.StatusNotFound {
		return 0, false
	}
	if err != nil {
		u.b.t.Fatalf("head object: %v", err)
	}
	return aws.ToInt64(out.ContentLength), true
}

func (u *upload) presignGet(ctx context.Context, size int64) protocol.PresignedGet {
	u.b.t.Helper()
	req, err := u.b.presign.PresignGetObject(ctx, &s3.GetObjectInput{
		Bucket: aws.String(u.b.bucket), Key: aws.String(u.key),
	}, s3.WithPresignExpires(time.Hour))
	if err != nil {
		u.b.t.Fatalf("presign get: %v", err)
	}
	return protocol.PresignedGet{URL: req.URL, ExpiresAt: time.Now().Add(time.Hour), Size: size}
}

// storedSHA256 downloads the stored object of size bytes as the agent
// would and returns its sha256.
func (u *upload) storedSHA256(ctx context.Context, size int64) []byte {
	u.b.t.Helper()
	body, err := transfer.Download(ctx, u.presignGet(ctx, size))
	if err != nil {
		u.b.t.Fatalf("Download: %v", err)
	}
	defer body.Close()
	hash := sha256.New()
	if _, err := io.Copy(hash, body); err != nil {
		u.b.t.Fatalf("read download: %v", err)
	}
	return hash.Sum(nil)
}

// cleanup removes what the test left: the object and any unfinished upload.
func (u *upload) cleanup() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, _ = u.b.client.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{
		Bucket: aws.String(u.b.bucket), Key: aws.String(u.key), UploadId: aws.String(u.id),
	})
	_, _ = u.b.client.DeleteObject(ctx, &s3.DeleteObjectInput{
		Bucket: aws.String(u.b.bucket), Key: aws.String(u.key),
	})
}
