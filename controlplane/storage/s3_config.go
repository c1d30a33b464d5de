package storage

import (
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// S3Config is what an operator enters for an S3-compatible target.
type S3Config struct {
	// Endpoint is the provider's URL, such as https://s3.eu-central-003.
	// backblazeb2.com or https://<account>.r2.cloudflarestorage.com.
	// Empty means AWS S3 in Region.
	Endpoint string `json:"endpoint,omitempty"`
	// Region defaults to us-east-1; Cloudflare R2 wants "auto".
	Region string `json:"region,omitempty"`
	Bucket string `json:"bucket"`
	// Prefix is prepended to every key Coffer writes; it may contain
	// slashes but no empty, "." or ".." segments.
	Prefix          string `json:"prefix,omitempty"`
	AccessKeyID     string `json:"accessKeyId"`
	SecretAccessKey string `json:"secretAccessKey"`
	// PathStyle puts the bucket in the URL path instead of the host name,
	// as MinIO, versitygw and most self-hosted servers need.
	PathStyle bool `json:"pathStyle,omitempty"`
}

const defaultRegion = "us-east-1"

// dialTimeout bounds connecting, so that a wrong endpoint is reported in
// seconds rather than after the operating system gives up.
const dialTimeout = 10 * time.Second

// normalize checks the configuration and returns it with defaults applied
// and the prefix cleaned.
func (c S3Config) normalize() (S3Config, error) {
	if c.Region == "" {
		c.Region = defaultRegion
	}
	if c.Bucket == "" || strings.ContainsAny(c.Bucket, "/\\ ") {
		return c, fmt.Errorf("check bucket %q: %w", c.Bucket, ErrInvalidConfig)
	}
	if c.AccessKeyID == "" || c.SecretAccessKey == "" {
		return c, fmt.Errorf("check credentials: %w", ErrInvalidConfig)
	}
	if err := checkEndpoint(c.Endpoint); err != nil {
		return c, err
	}

	prefix, err := cleanPrefix(c.Prefix)
	if err != nil {
		return c, fmt.Errorf("check prefix: %w", newError(ErrInvalidConfig, err.Error()))
	}
	c.Prefix = prefix
	return c, nil
}

func checkEndpoint(endpoint string) error {
	if endpoint == "" {
		return nil
	}

	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("check endpoint %q: want http(s)://host[:port]: %w",
			endpoint, ErrInvalidConfig)
	}
	if u.RawQuery != "" || u.User != nil {
		return fmt.Errorf("check endpoint %q: query and user are not allowed: %w",
			endpoint, ErrInvalidConfig)
	}
	return nil
}

// newS3Client builds a client that only uses what the configuration says:
// no environment variables or shared AWS files, which on a control plane
// would belong to some other purpose.
func newS3Client(c S3Config) *s3.Client {
	creds := credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, "")
	opts := s3.Options{
		Region:       c.Region,
		Credentials:  aws.NewCredentialsCache(creds),
		UsePathStyle: c.PathStyle,
		// Recent SDKs add CRC checksums to every upload by default; several
		// S3-compatible providers reject those headers.
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
		HTTPClient: awshttp.NewBuildableClient().WithDialerOptions(func(d *net.Dialer) {
			d.Timeout = dialTimeout
		}),
	}
	if c.Endpoint != "" {
		opts.BaseEndpoint = aws.String(strings.TrimRight(c.Endpoint, "/"))
	}
	return s3.New(opts)
}
