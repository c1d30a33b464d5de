package transfer

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// responseHeaderTimeout bounds the wait for an answer once a request has
// been sent; a stalled provider then counts as a transient failure.
const responseHeaderTimeout = 2 * time.Minute

// defaultClient has no overall timeout, since a part on a slow uplink may
// take long, but does bound the wait for each response.
var defaultClient = newDefaultClient()

func newDefaultClient() *http.Client {
	transport := &http.Transport{Proxy: http.ProxyFromEnvironment}
	if standard, ok := http.DefaultTransport.(*http.Transport); ok {
		transport = standard.Clone()
	}
	transport.ResponseHeaderTimeout = responseHeaderTimeout
	return &http.Client{Transport: transport}
}

// newRequest builds a request to a presigned URL with the headers its
// signature covers.
func newRequest(ctx context.Context, method, rawURL string,
	headers map[string]string, body io.Reader) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, method, rawURL, body)
	if err != nil {
		// The error would quote the URL, which must not travel further.
		return nil, newError(ErrRejected, "malformed presigned url")
	}
	for name, value := range headers {
		req.Header.Set(name, value)
	}
	return req, nil
}

// sendError classifies a failure to get any response. The URL the
// transport quotes is dropped.
func sendError(ctx context.Context, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ctxErr
	}

	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		err = urlErr.Err
	}

	var verifyErr *tls.CertificateVerificationError
	var authorityErr x509.UnknownAuthorityError
	if errors.As(err, &verifyErr) || errors.As(err, &authorityErr) {
		return newError(ErrRejected, err.Error())
	}
	return newError(ErrUnavailable, err.Error())
}

// statusError classifies a response other than success and consumes its
// body. Throttling and server errors are transient.
func statusError(resp *http.Response) error {
	detail := fmt.Sprintf("HTTP %d", resp.StatusCode)
	if code := s3ErrorCode(resp.Body); code != "" {
		detail += " " + code
	}
	drainAndClose(resp.Body)

	switch status := resp.StatusCode; {
	case status == http.StatusRequestTimeout || status == http.StatusTooManyRequests:
		return newError(ErrUnavailable, detail)
	case status >= 500 && status != http.StatusNotImplemented:
		return newError(ErrUnavailable, detail)
	case status == http.StatusNotFound:
		return newError(ErrNotFound, detail)
	default:
		return newError(ErrRejected, detail)
	}
}

// s3ErrorCode reads the code of an S3 error document, such as "SlowDown"
// or "AccessDenied". Anything else yields "".
func s3ErrorCode(body io.Reader) string {
	var doc struct {
		Code string `xml:"Code"`
	}
	if xml.NewDecoder(io.LimitReader(body, 4<<10)).Decode(&doc) != nil {
		return ""
	}
	return strings.TrimSpace(doc.Code)
}

// drainAndClose reads a little of what is left so that the connection can
// be reused, then closes the body.
func drainAndClose(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 64<<10))
	_ = body.Close()
}
