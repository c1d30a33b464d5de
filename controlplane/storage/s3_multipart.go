package storage

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/cofferhq/coffer/protocol"
)

// Limits of multipart uploads and presigned URLs.
const (
	// MaxPartNumber is the highest part number S3 accepts.
	MaxPartNumber = 10000
	// MaxPresignBatch bounds how many parts one PresignParts call signs,
	// which keeps the message carrying them to the agent small.
	MaxPresignBatch = 256
	// MaxPresignTTL is the longest validity SigV4 allows.
	MaxPresignTTL = 7 * 24 * time.Hour
)

// CreateUpload starts a multipart upload.
func (s *S3) CreateUpload(ctx context.Context, key string) (string, error) {
	out, err := s.client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{
		Bucket: aws.String(s.bucket),
		Key:    aws.String(key),
	})
	if err != nil {
		return "", fmt.Errorf("create upload of %s: %w", key, classify(err))
	}
	return aws.ToString(out.UploadId), nil
}

// PresignParts signs UploadPart requests for parts first to first+count-1.
// Signing is local; it makes no request.
func (s *S3) PresignParts(ctx context.Context, key, uploadID string, first, count int32,
	ttl time.Duration) ([]protocol.PresignedPart, error) {
	if err := checkPartRange(first, count); err != nil {
		return nil, fmt.Errorf("presign parts of %s: %w", key, err)
	}
	if err := checkTTL(ttl); err != nil {
		return nil, fmt.Errorf("presign parts of %s: %w", key, err)
	}

	signedAt := s.now()
	parts := make([]protocol.PresignedPart, 0, count)
	for n := first; n < first+count; n++ {
		req, err := s.presign.PresignUploadPart(ctx, &s3.UploadPartInput{
			Bucket:     aws.String(s.bucket),
			Key:        aws.String(key),
			UploadId:   aws.String(uploadID),
			PartNumber: aws.Int32(n),
		}, s3.WithPresignExpires(ttl))
		if err != nil {
			return nil, fmt.Errorf("presign part %d of %s: %w", n, key, classify(err))
		}
		parts = append(parts, protocol.PresignedPart{
			Number:    n,
			URL:       req.URL,
			Headers:   headersToSend(req.SignedHeader),
			ExpiresAt: signedAt.Add(ttl),
		})
	}
	return parts, nil
}

// CompleteUpload assembles the parts. A retried call after a success
// reports ErrNotFound, since the upload id is gone; callers then Head the
// object to learn whether it exists.
func (s *S3) CompleteUpload(ctx context.Context, key, uploadID string,
	parts []protocol.PartReceipt) error {
	completed, err := completedParts(parts)
	if err != nil {
		return fmt.Errorf("complete upload of %s: %w", key, err)
	}

	_, err = s.client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
		Bucket:          aws.String(s.bucket),
		Key:             aws.String(key),
		UploadId:        aws.String(uploadID),
		MultipartUpload: &types.CompletedMultipartUpload{Parts: completed},
	})
	if err != nil {
		return fmt.Errorf("complete upload of %s: %w", key, classify(err))
	}
	return nil
}

// AbortUpload discards an upload. An upload that is already gone is not an
// error: aborting is what callers do after failures, often more than once.
func (s *S3) AbortUpload(ctx context.Context, key, uploadID string) error {
	_, err := s.client.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{
		Bucket:   aws.String(s.bucket),
		Key:      aws.String(key),
		UploadId: aws.String(uploadID),
	})
	if err = classify(err); err != nil && !isNotFound(err) {
		return fmt.Errorf("abort upload of %s: %w", key, err)
	}
	return nil
}

// completedParts checks the receipts and orders them by part number.
func completedParts(receipts []protocol.PartReceipt) ([]types.CompletedPart, error) {
	if len(receipts) == 0 {
		return nil, fmt.Errorf("check parts: none: %w", ErrInvalidArgument)
	}

	sorted := slices.Clone(receipts)
	slices.SortFunc(sorted, func(a, b protocol.PartReceipt) int {
		return int(a.Number) - int(b.Number)
	})

	parts := make([]types.CompletedPart, 0, len(sorted))
	for i, r := range sorted {
		if r.ETag == "" || r.Number < 1 || (i > 0 && r.Number == sorted[i-1].Number) {
			return nil, fmt.Errorf("check part %d: %w", r.Number, ErrInvalidArgument)
		}
		parts = append(parts, types.CompletedPart{
			PartNumber: aws.Int32(r.Number),
			ETag:       aws.String(r.ETag),
		})
	}
	return parts, nil
}

func checkPartRange(first, count int32) error {
	if first < 1 || count < 1 || count > MaxPresignBatch ||
		int64(first)+int64(count)-1 > MaxPartNumber {
		return fmt.Errorf("check parts %d+%d: %w", first, count, ErrInvalidArgument)
	}
	return nil
}

func checkTTL(ttl time.Duration) error {
	if ttl < time.Second || ttl > MaxPresignTTL {
		return fmt.Errorf("check url lifetime %s: %w", ttl, ErrInvalidArgument)
	}
	return nil
}

// headersToSend returns the signed headers the agent must repeat. Host is
// left out: the HTTP client sets it from the URL.
func headersToSend(signed http.Header) map[string]string {
	headers := make(map[string]string)
	for name, values := range signed {
		if strings.EqualFold(name, "Host") {
			continue
		}
		headers[name] = strings.Join(values, ",")
	}
	if len(headers) == 0 {
		return nil
	}
	return headers
}
