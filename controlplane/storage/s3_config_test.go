package storage_test

import (
	"errors"
	"testing"

	"github.com/cofferhq/coffer/controlplane/storage"
)

func TestNewS3RefusesInvalidConfig(t *testing.T) {
	valid := storage.S3Config{
		Endpoint:        "https://s3.example.com",
		Bucket:          "b",
		AccessKeyID:     "id",
		SecretAccessKey: "secret",
	}
	tests := []struct {
		name   string
		change func(*storage.S3Config)
	}{
		{"no bucket", func(c *storage.S3Config) { c.Bucket = "" }},
		{"slash in bucket", func(c *storage.S3Config) { c.Bucket = "a/b" }},
		{"no access key", func(c *storage.S3Config) { c.AccessKeyID = "" }},
		{"no secret", func(c *storage.S3Config) { c.SecretAccessKey = "" }},
		{"endpoint without scheme", func(c *storage.S3Config) { c.Endpoint = "s3.example.com" }},
		{"endpoint with other scheme", func(c *storage.S3Config) { c.Endpoint = "ftp://x" }},
		{"endpoint with query", func(c *storage.S3Config) { c.Endpoint = "https://x/?a=b" }},
		{"prefix climbing up", func(c *storage.S3Config) { c.Prefix = "a/../../b" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := valid
			tt.change(&cfg)
			if _, err := storage.NewS3(cfg); !errors.Is(err, storage.ErrInvalidConfig) {
				t.Fatalf("NewS3 error = %v, want ErrInvalidConfig", err)
			}
		})
	}

	target, err := storage.NewS3(storage.S3Config{
		Bucket: "b", AccessKeyID: "id", SecretAccessKey: "s", Prefix: "/a/b/",
	})
	if err != nil {
		t.Fatalf("NewS3 with AWS defaults: %v", err)
	}
	if got := target.Prefix(); got != "a/b" {
		t.Fatalf("Prefix() = %q, want %q", got, "a/b")
	}
}
