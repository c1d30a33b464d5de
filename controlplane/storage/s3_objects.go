package storage

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/cofferhq/coffer/protocol"
)

// Put stores a small object in a single request.
func (s *S3) Put(ctx context.Context, key string, body []byte) error {
	if err := s.put(ctx, key, body); err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	return nil
}

// Get reads a small object whole.
func (s *S3) Get(ctx context.Context, key string) ([]byte, error) {
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{
		Bucket: aws.String(s.bucket),
		Key:    aws.String(key),
	})
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", key, classify(err))
	}
	defer out.Body.Close()

	body, err := io.ReadAll(io.LimitReader(out.Body, MaxGetSize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", key, classify(err))
	}
	if len(body) > MaxGetSize {
		return nil, fmt.Errorf("read %s: larger than %d bytes: %w", key, MaxGetSize, ErrRejected)
	}
	return body, nil
}

// Head returns an object's size and user metadata.
func (s *S3) Head(ctx context.Context, key string) (int64, map[string]string, error) {
	size, meta, err := s.head(ctx, key)
	if err != nil {
		return 0, nil, fmt.Errorf("head %s: %w", key, err)
	}
	return size, meta, nil
}

func (s *S3) head(ctx context.Context, key string,
	opts ...func(*s3.Options)) (int64, map[string]string, error) {
	out, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{
		Bucket: aws.String(s.bucket),
		Key:    aws.String(key),
	}, opts...)
	if err != nil {
		return 0, nil, classify(err)
	}
	return aws.ToInt64(out.ContentLength), out.Metadata, nil
}

// PresignGet signs a download of the whole object. The size it reports is
// read with a HEAD first, so that the agent can tell a truncated body.
func (s *S3) PresignGet(ctx context.Context, key string,
	ttl time.Duration) (protocol.PresignedGet, error) {
	if err := checkTTL(ttl); err != nil {
		return protocol.PresignedGet{}, fmt.Errorf("presign get %s: %w", key, err)
	}

	size, _, err := s.head(ctx, key)
	if err != nil {
		return protocol.PresignedGet{}, fmt.Errorf("presign get %s: %w", key, err)
	}

	signedAt := s.now()
	req, err := s.presign.PresignGetObject(ctx, &s3.GetObjectInput{
		Bucket: aws.String(s.bucket),
		Key:    aws.String(key),
	}, s3.WithPresignExpires(ttl))
	if err != nil {
		return protocol.PresignedGet{}, fmt.Errorf("presign get %s: %w", key, classify(err))
	}

	return protocol.PresignedGet{
		URL:       req.URL,
		Headers:   headersToSend(req.SignedHeader),
		ExpiresAt: signedAt.Add(ttl),
		Size:      size,
	}, nil
}

// List returns every object under prefix, following continuation tokens.
func (s *S3) List(ctx context.Context, prefix string) ([]Object, error) {
	pages := s3.NewListObjectsV2Paginator(s.client, &s3.ListObjectsV2Input{
		Bucket: aws.String(s.bucket),
		Prefix: aws.String(prefix),
	})

	var objects []Object
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", prefix, classify(err))
		}
		for _, o := range page.Contents {
			objects = append(objects, Object{
				Key:          aws.ToString(o.Key),
				Size:         aws.ToInt64(o.Size),
				LastModified: aws.ToTime(o.LastModified),
			})
		}
	}
	return objects, nil
}
