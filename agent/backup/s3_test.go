package backup_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/cofferhq/coffer/protocol"
	"github.com/cofferhq/coffer/testenv"
)

// s3Plane plays the control plane's storage side against the S3 test
// server: it holds the key, creates and completes uploads and signs the
// URLs the agent uses. The agent may not import the control plane, so
// this is written straight on the SDK.
type s3Plane struct {
	t       *testing.T
	client  *s3.Client
	presign *s3.PresignClient
	bucket  string
	key     string
	upload  string
}

// newS3Plane starts a multipart upload for one object. Without the S3
// test server the test is skipped, or fails in CI.
func newS3Plane(t *testing.T, name string) *s3Plane {
	t.Helper()
	env := testenv.S3(t)
	p := &s3Plane{
		t: t, client: env.Client, presign: s3.NewPresignClient(env.Client),
		bucket: env.Bucket, key: env.Prefix(t, "backup-test") + "/" + name,
	}
	out, err := p.client.CreateMultipartUpload(p.ctx(), &s3.CreateMultipartUploadInput{
		Bucket: aws.String(p.bucket), Key: aws.String(p.key),
	})
	if err != nil {
		t.Fatalf("create upload: %v", err)
	}
	p.upload = aws.ToString(out.UploadId)
	t.Cleanup(p.cleanup)
	return p
}

func (p *s3Plane) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	p.t.Cleanup(cancel)
	return ctx
}

// sign presigns count parts from first, as the control plane does when
// the agent asks.
func (p *s3Plane) sign(first, count int32) []protocol.PresignedPart {
	parts := make([]protocol.PresignedPart, 0, count)
	for n := first; n < first+count; n++ {
		req, err := p.presign.PresignUploadPart(p.ctx(), &s3.UploadPartInput{
			Bucket: aws.String(p.bucket), Key: aws.String(p.key),
			UploadId: aws.String(p.upload), PartNumber: aws.Int32(n),
		}, s3.WithPresignExpires(time.Hour))
		if err != nil {
			p.t.Fatalf("presign part %d: %v", n, err)
		}
		parts = append(parts, protocol.PresignedPart{
			Number: n, URL: req.URL, ExpiresAt: time.Now().Add(time.Hour),
		})
	}
	return parts
}

func (p *s3Plane) complete(receipts []protocol.PartReceipt) {
	p.t.Helper()
	parts := make([]types.CompletedPart, len(receipts))
	for i, r := range receipts {
		parts[i] = types.CompletedPart{PartNumber: aws.Int32(r.Number), ETag: aws.String(r.ETag)}
	}
	_, err := p.client.CompleteMultipartUpload(p.ctx(), &s3.CompleteMultipartUploadInput{
		Bucket: aws.String(p.bucket), Key: aws.String(p.key), UploadId: aws.String(p.upload),
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts},
	})
	if err != nil {
		p.t.Fatalf("complete upload: %v", err)
	}
}

// storedSize is the object's size as the storage reports it.
func (p *s3Plane) storedSize() int64 {
	p.t.Helper()
	out, err := p.client.HeadObject(p.ctx(), &s3.HeadObjectInput{
		Bucket: aws.String(p.bucket), Key: aws.String(p.key),
	})
	if err != nil {
		p.t.Fatalf("head object: %v", err)
	}
	return aws.ToInt64(out.ContentLength)
}

func (p *s3Plane) presignGet(size int64) *protocol.PresignedGet {
	p.t.Helper()
	req, err := p.presign.PresignGetObject(p.ctx(), &s3.GetObjectInput{
		Bucket: aws.String(p.bucket), Key: aws.String(p.key),
	}, s3.WithPresignExpires(time.Hour))
	if err != nil {
		p.t.Fatalf("presign get: %v", err)
	}
	return &protocol.PresignedGet{URL: req.URL, ExpiresAt: time.Now().Add(time.Hour), Size: size}
}

// cleanup aborts an unfinished upload and deletes the object.
func (p *s3Plane) cleanup() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, _ = p.client.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{
		Bucket: aws.String(p.bucket), Key: aws.String(p.key), UploadId: aws.String(p.upload),
	})
	_, _ = p.client.DeleteObject(ctx, &s3.DeleteObjectInput{
		Bucket: aws.String(p.bucket), Key: aws.String(p.key),
	})
}
