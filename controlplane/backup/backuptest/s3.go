package backuptest

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/cofferhq/coffer/controlplane/client"
	"github.com/cofferhq/coffer/controlplane/storage"
	"github.com/cofferhq/coffer/testenv"
)

// timeout bounds the cleanup of a test's objects.
const timeout = 3 * time.Minute

// S3Target returns settings for a storage target named "bucket" on the S3
// test server (versitygw), under a prefix of the test's own whose objects
// are removed when the test ends. Without the server the test is skipped,
// or fails in CI.
func S3Target(t testing.TB) client.NewStorageTarget {
	t.Helper()
	env := testenv.S3(t)
	nt := client.NewStorageTarget{
		Name:            "bucket",
		Type:            "s3",
		Endpoint:        env.Endpoint,
		Bucket:          env.Bucket,
		AccessKeyID:     env.AccessKey,
		SecretAccessKey: env.SecretKey,
		Prefix:          env.Prefix(t, "backup-test"),
		PathStyle:       true,
	}
	t.Cleanup(func() { removeAll(t, nt) })
	return nt
}

// OpenS3 reads the target's bucket directly, as an operator would.
func OpenS3(t testing.TB, nt client.NewStorageTarget) *storage.S3 {
	t.Helper()
	target, err := storage.NewS3(storage.S3Config{
		Endpoint: nt.Endpoint, Bucket: nt.Bucket, Prefix: nt.Prefix,
		AccessKeyID: nt.AccessKeyID, SecretAccessKey: nt.SecretAccessKey,
		PathStyle: nt.PathStyle,
	})
	if err != nil {
		t.Fatalf("open bucket: %v", err)
	}
	return target
}

func removeAll(t testing.TB, nt client.NewStorageTarget) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	target := OpenS3(t, nt)
	objects, err := target.List(ctx, target.Prefix()+"/")
	if err != nil {
		t.Errorf("list leftovers: %v", err)
		return
	}
	for _, o := range objects {
		if err := target.Delete(ctx, o.Key); err != nil {
			t.Errorf("delete leftover %s: %v", o.Key, err)
		}
	}
}

// OpenUploads lists the multipart uploads still open under prefix, which
// the storage package has no reason to offer.
func OpenUploads(t testing.TB, nt client.NewStorageTarget, prefix string) []string {
	t.Helper()
	api := testenv.NewS3Client(nt.Endpoint, nt.AccessKeyID, nt.SecretAccessKey)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	out, err := api.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{
		Bucket: aws.String(nt.Bucket), Prefix: aws.String(prefix),
	})
	if err != nil {
		t.Fatalf("list multipart uploads: %v", err)
	}
	var keys []string
	for _, u := range out.Uploads {
		keys = append(keys, aws.ToString(u.Key))
	}
	return keys
}
