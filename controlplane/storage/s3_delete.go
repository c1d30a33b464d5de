package storage

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// deleteBatchSize is the most keys DeleteObjects takes at once.
const deleteBatchSize = 1000

// Delete removes objects in batches. Providers that refuse DeleteObjects
// (some want Content-MD5 instead of the SDK's checksum header, some lack
// the call) get one DeleteObject per key instead.
func (s *S3) Delete(ctx context.Context, keys ...string) error {
	for start := 0; start < len(keys); start += deleteBatchSize {
		batch := keys[start:min(start+deleteBatchSize, len(keys))]
		if err := s.deleteBatch(ctx, batch); err != nil {
			return err
		}
	}
	return nil
}

func (s *S3) deleteBatch(ctx context.Context, keys []string) error {
	if len(keys) == 1 || s.noBatchDelete.Load() {
		return s.deleteEach(ctx, keys)
	}

	ids := make([]types.ObjectIdentifier, len(keys))
	for i, key := range keys {
		ids[i] = types.ObjectIdentifier{Key: aws.String(key)}
	}

	out, err := s.client.DeleteObjects(ctx, &s3.DeleteObjectsInput{
		Bucket: aws.String(s.bucket),
		Delete: &types.Delete{Objects: ids, Quiet: aws.Bool(true)},
	})
	if err = classify(err); errors.Is(err, ErrRejected) {
		s.noBatchDelete.Store(true)
		return s.deleteEach(ctx, keys)
	}
	if err != nil {
		return fmt.Errorf("delete %d objects: %w", len(keys), err)
	}
	return firstDeleteError(out.Errors)
}

// firstDeleteError reports the first key DeleteObjects could not remove.
// A key that was already gone is not a failure.
func firstDeleteError(failures []types.Error) error {
	for _, f := range failures {
		code := aws.ToString(f.Code)
		if code == "NoSuchKey" {
			continue
		}

		kind, ok := s3Codes[code]
		if !ok {
			kind = ErrRejected
		}
		detail := code + ": " + aws.ToString(f.Message)
		return fmt.Errorf("delete %s: %w", aws.ToString(f.Key), newError(kind, detail))
	}
	return nil
}

func (s *S3) deleteEach(ctx context.Context, keys []string) error {
	for _, key := range keys {
		if err := s.deleteOne(ctx, key); err != nil {
			return fmt.Errorf("delete %s: %w", key, err)
		}
	}
	return nil
}

func (s *S3) deleteOne(ctx context.Context, key string, opts ...func(*s3.Options)) error {
	_, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{
		Bucket: aws.String(s.bucket),
		Key:    aws.String(key),
	}, opts...)
	if err = classify(err); err != nil && !isNotFound(err) {
		return err
	}
	return nil
}
