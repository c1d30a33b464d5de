package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/cofferhq/coffer/controlplane/storage"
	"github.com/cofferhq/coffer/testenv"
)

// testTimeout bounds each test's calls to the S3 server.
const testTimeout = 2 * time.Minute

// testS3Config returns the test server's settings with a prefix of the
// test's own. Without a server the test is skipped, or fails in CI.
func testS3Config(t *testing.T) storage.S3Config {
	t.Helper()
	env := testenv.S3(t)
	return storage.S3Config{
		Endpoint:        env.Endpoint,
		Bucket:          env.Bucket,
		AccessKeyID:     env.AccessKey,
		SecretAccessKey: env.SecretKey,
		PathStyle:       true,
		Prefix:          env.Prefix(t, "test"),
	}
}

// newTestS3 returns a target on the test server whose objects are removed
// when the test ends.
func newTestS3(t *testing.T) *storage.S3 {
	t.Helper()
	target, err := storage.NewS3(testS3Config(t))
	if err != nil {
		t.Fatalf("NewS3: %v", err)
	}

	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
		defer cancel()
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
	})
	return target
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}
