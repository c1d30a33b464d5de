package storage

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// S3 is a Target in an S3-compatible bucket: AWS S3, Backblaze B2,
// Cloudflare R2, MinIO, versitygw and the like.
type S3 struct {
	client  *s3.Client
	presign *s3.PresignClient
	bucket  string
	prefix  string
	now     func() time.Time

	// noBatchDelete is set once the provider has refused DeleteObjects,
	// so that later deletes go straight to one request per key.
	noBatchDelete atomic.Bool
}

var _ Target = (*S3)(nil)

// NewS3 checks the configuration and builds a target from it. It makes no
// request; Probe does.
func NewS3(cfg S3Config) (*S3, error) {
	cfg, err := cfg.normalize()
	if err != nil {
		return nil, fmt.Errorf("configure s3 target: %w", err)
	}

	client := newS3Client(cfg)
	return &S3{
		client:  client,
		presign: s3.NewPresignClient(client),
		bucket:  cfg.Bucket,
		prefix:  cfg.Prefix,
		now:     time.Now,
	}, nil
}

// Prefix returns the cleaned key prefix, without slashes around it.
func (s *S3) Prefix() string { return s.prefix }

// Probe writes a small object under the prefix, reads its size back and
// deletes it. It tries each request once: an operator testing settings
// wants the first answer, not one delayed by retries.
func (s *S3) Probe(ctx context.Context) error {
	key := joinKey(s.prefix, ".coffer-probe-"+randomHex(8))
	body := []byte("coffer storage probe\n")

	if err := s.put(ctx, key, body, once); err != nil {
		return fmt.Errorf("write probe object: %w", err)
	}

	size, _, headErr := s.head(ctx, key, once)
	deleteErr := s.deleteOne(ctx, key, once)
	switch {
	case headErr != nil:
		return fmt.Errorf("read probe object: %w", headErr)
	case size != int64(len(body)):
		return fmt.Errorf("read probe object: size %d, want %d: %w", size, len(body), ErrRejected)
	case deleteErr != nil:
		return fmt.Errorf("delete probe object: %w", deleteErr)
	}
	return nil
}

// once makes a request without the SDK's retries.
func once(o *s3.Options) { o.RetryMaxAttempts = 1 }

func (s *S3) put(ctx context.Context, key string, body []byte, opts ...func(*s3.Options)) error {
	_, err := s.client.PutObject(ctx, &s3.PutObjectInput{
		Bucket:        aws.String(s.bucket),
		Key:           aws.String(key),
		Body:          bytes.NewReader(body),
		ContentLength: aws.Int64(int64(len(body))),
	}, opts...)
	return classify(err)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b)
}
