package testenv

import (
	"fmt"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// S3Env is the S3 test server (versitygw) and a client of it.
type S3Env struct {
	Endpoint  string
	Bucket    string
	AccessKey string
	SecretKey string
	Client    *s3.Client
}

// s3Settings come from COFFER_TEST_S3_*, with scripts/test-env.sh's values
// as defaults.
var s3Settings = S3Env{
	Endpoint:  getenv("COFFER_TEST_S3_ENDPOINT", "http://127.0.0.1:7070"),
	Bucket:    getenv("COFFER_TEST_S3_BUCKET", "coffer-test"),
	AccessKey: getenv("COFFER_TEST_S3_ACCESS_KEY", "coffer-test-access"),
	SecretKey: getenv("COFFER_TEST_S3_SECRET_KEY", "coffer-test-secret-key"),
}

// S3 returns the test server's settings and a client, once the server
// answers on its port; otherwise the test is skipped, or fails in CI.
func S3(t testing.TB) S3Env {
	t.Helper()
	e := s3Settings
	Require(t, "S3 test server at "+e.Endpoint+" (COFFER_TEST_S3_ENDPOINT)", dial(e.Endpoint))
	e.Client = NewS3Client(e.Endpoint, e.AccessKey, e.SecretKey)
	return e
}

// NewS3Client returns a client of an S3-compatible server: path-style
// addressing, and checksums only where an operation requires them.
func NewS3Client(endpoint, accessKey, secretKey string) *s3.Client {
	creds := credentials.NewStaticCredentialsProvider(accessKey, secretKey, "")
	return s3.New(s3.Options{
		Region:                     "us-east-1",
		BaseEndpoint:               aws.String(endpoint),
		UsePathStyle:               true,
		Credentials:                creds,
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	})
}

// Prefix returns a key prefix of the test's own under base:
// "base/TestName-sub-1a2b3c4d".
func (e S3Env) Prefix(t testing.TB, base string) string {
	return base + "/" + strings.ReplaceAll(t.Name(), "/", "-") + "-" + randomHex(4)
}

// dial checks that something listens at the endpoint's host and port.
func dial(endpoint string) error {
	u, err := url.Parse(endpoint)
	if err != nil {
		return fmt.Errorf("parse endpoint %q: %w", endpoint, err)
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	conn, err := net.DialTimeout("tcp", net.JoinHostPort(u.Hostname(), port), 2*time.Second)
	if err != nil {
		return err
	}
	return conn.Close()
}
