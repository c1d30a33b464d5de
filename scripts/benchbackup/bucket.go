package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// bucket is the S3 bucket every tool writes to. The benchmark itself only
// checks it, sizes what the tools stored, and deletes it afterwards.
type bucket struct {
	cfg    s3Config
	client *s3.Client
}

func newBucket(ctx context.Context, cfg s3Config) (*bucket, error) {
	creds := credentials.NewStaticCredentialsProvider(cfg.accessKey, cfg.secretKey, "")
	client := s3.New(s3.Options{
		Region:       "us-east-1",
		Credentials:  aws.NewCredentialsCache(creds),
		BaseEndpoint: aws.String(strings.TrimRight(cfg.endpoint, "/")),
		UsePathStyle: true,
		// versitygw, like several S3 servers, does not expect the CRC
		// checksums that recent SDKs add by default.
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	})
	b := &bucket{cfg: cfg, client: client}

	hctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, err := client.HeadBucket(hctx, &s3.HeadBucketInput{Bucket: aws.String(cfg.bucket)})
	if err != nil {
		return nil, fmt.Errorf("check bucket %s at %s (is scripts/test-env.sh running?): %w",
			cfg.bucket, cfg.endpoint, err)
	}
	return b, nil
}

// url names a prefix of the bucket the way the AWS CLI does.
func (b *bucket) url(key string) string { return "s3://" + b.cfg.bucket + "/" + key }

// size adds up the sizes of the objects under prefix.
func (b *bucket) size(ctx context.Context, prefix string) (int64, error) {
	var total int64
	err := b.each(ctx, prefix, func(key string, size int64) error {
		total += size
		return nil
	})
	return total, err
}

// deletePrefix deletes every object under prefix, which must end in a
// slash so that it never reaches into a sibling.
func (b *bucket) deletePrefix(ctx context.Context, prefix string) error {
	if !strings.HasSuffix(prefix, "/") || len(prefix) < 2 {
		return fmt.Errorf("delete prefix %q: want a non-empty prefix ending in /", prefix)
	}
	return b.each(ctx, prefix, func(key string, _ int64) error {
		_, err := b.client.DeleteObject(ctx, &s3.DeleteObjectInput{
			Bucket: aws.String(b.cfg.bucket), Key: aws.String(key),
		})
		if err != nil {
			return fmt.Errorf("delete %s: %w", key, err)
		}
		return nil
	})
}

// each calls fn for every object under prefix. Objects are listed a page
// at a time before fn sees them, so fn may delete them.
func (b *bucket) each(ctx context.Context, prefix string, fn func(string, int64) error) error {
	pages := s3.NewListObjectsV2Paginator(b.client, &s3.ListObjectsV2Input{
		Bucket: aws.String(b.cfg.bucket), Prefix: aws.String(prefix),
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list %s: %w", b.url(prefix), err)
		}
		for _, o := range page.Contents {
			if err := fn(aws.ToString(o.Key), aws.ToInt64(o.Size)); err != nil {
				return err
			}
		}
	}
	return nil
}
