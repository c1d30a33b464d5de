package e2e_test

import (
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/cofferhq/coffer/testenv"
)

// s3Env is the S3 server scripts/test-env.sh runs.
type s3Env struct{ testenv.S3Env }

// requireS3 fails in CI and skips elsewhere when the S3 server is missing.
func requireS3(t *testing.T) *s3Env {
	t.Helper()
	return &s3Env{testenv.S3(t)}
}

func (e *s3Env) get(t *testing.T, key string) io.ReadCloser {
	t.Helper()
	out, err := e.Client.GetObject(t.Context(), &s3.GetObjectInput{
		Bucket: aws.String(e.Bucket), Key: aws.String(key),
	})
	if err != nil {
		t.Fatalf("get s3://%s/%s: %v", e.Bucket, key, err)
	}
	return out.Body
}

func (e *s3Env) exists(t *testing.T, key string) bool {
	t.Helper()
	_, err := e.Client.HeadObject(t.Context(), &s3.HeadObjectInput{
		Bucket: aws.String(e.Bucket), Key: aws.String(key),
	})
	return err == nil
}

// openUploads counts multipart uploads still open under prefix.
func (e *s3Env) openUploads(t *testing.T, prefix string) int {
	t.Helper()
	out, err := e.Client.ListMultipartUploads(t.Context(), &s3.ListMultipartUploadsInput{
		Bucket: aws.String(e.Bucket), Prefix: aws.String(prefix),
	})
	if err != nil {
		t.Fatalf("list multipart uploads: %v", err)
	}
	return len(out.Uploads)
}

// faultProxy sits between Coffer and the S3 server. It forwards requests
// with their Host header intact, so presigned signatures stay valid, and can
// be told to refuse part uploads or to slow them down.
type faultProxy struct {
	URL       string
	failParts atomic.Bool
	delay     atomic.Int64 // nanoseconds added before each part upload
	parts     atomic.Int64 // part uploads seen
}

func newFaultProxy(t *testing.T, upstream string) *faultProxy {
	t.Helper()
	target, err := url.Parse(upstream)
	if err != nil {
		t.Fatal(err)
	}
	fp := &faultProxy{}
	rp := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(target)
		r.Out.Host = r.In.Host
	}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut && r.URL.Query().Has("partNumber") {
			fp.parts.Add(1)
			if d := time.Duration(fp.delay.Load()); d > 0 {
				time.Sleep(d)
			}
			if fp.failParts.Load() {
				http.Error(w, "injected refusal", http.StatusForbidden)
				return
			}
		}
		rp.ServeHTTP(w, r)
	})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	fp.URL = "http://" + ln.Addr().String()
	return fp
}
