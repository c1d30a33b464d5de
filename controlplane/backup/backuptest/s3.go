package backuptest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/cofferhq/coffer/controlplane/client"
	"github.com/cofferhq/coffer/controlplane/storage"
)

// timeout bounds the cleanup of a test's objects.
const timeout = 3 * time.Minute

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

// S3Target returns settings for a storage target named "bucket" on the S3
// test server (versitygw), under a prefix of the test's own whose objects
// are removed when the test ends. Without the server the test is skipped,
// or fails in CI.
func S3Target(t testing.TB) client.NewStorageTarget {
	t.Helper()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	nt := client.NewStorageTarget{
		Name:            "bucket",
		Type:            "s3",
		Endpoint:        envOr("COFFER_TEST_S3_ENDPOINT", "http://127.0.0.1:7070"),
		Bucket:          envOr("COFFER_TEST_S3_BUCKET", "coffer-test"),
		AccessKeyID:     envOr("COFFER_TEST_S3_ACCESS_KEY", "coffer-test-access"),
		SecretAccessKey: envOr("COFFER_TEST_S3_SECRET_KEY", "coffer-test-secret-key"),
		Prefix: "backup-test/" + strings.ReplaceAll(t.Name(), "/", "-") + "-" +
			hex.EncodeToString(b),
		PathStyle: true,
	}

	host := strings.TrimPrefix(strings.TrimPrefix(nt.Endpoint, "http://"), "https://")
	conn, err := net.DialTimeout("tcp", host, 2*time.Second)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("S3 test server at %s is unreachable in CI: %v", nt.Endpoint, err)
		}
		t.Skipf("S3 test server at %s is unreachable: %v", nt.Endpoint, err)
	}
	conn.Close()
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
	api := s3.New(s3.Options{
		Region: "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider(nt.AccessKeyID,
			nt.SecretAccessKey, ""),
		BaseEndpoint: aws.String(nt.Endpoint),
		UsePathStyle: true,
	})
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
