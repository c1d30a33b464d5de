package storage

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// s3Codes maps the error codes S3-compatible providers send to sentinels.
// Codes not listed fall back to the HTTP status.
var s3Codes = map[string]error{
	"AccessDenied":          ErrAccessDenied,
	"AccountProblem":        ErrAccessDenied,
	"AllAccessDisabled":     ErrAccessDenied,
	"ExpiredToken":          ErrAccessDenied,
	"InvalidAccessKeyId":    ErrAccessDenied,
	"InvalidToken":          ErrAccessDenied,
	"RequestTimeTooSkewed":  ErrAccessDenied,
	"SignatureDoesNotMatch": ErrAccessDenied,
	"Unauthorized":          ErrAccessDenied,
	// versitygw answers an unknown access key with this code and a 404.
	"XAdminUserNotFound": ErrAccessDenied,

	"NoSuchBucket": ErrBucketNotFound,

	"NoSuchKey":    ErrNotFound,
	"NoSuchUpload": ErrNotFound,
	"NotFound":     ErrNotFound,

	"AuthorizationHeaderMalformed":       ErrInvalidConfig,
	"IllegalLocationConstraintException": ErrInvalidConfig,
	"InvalidBucketName":                  ErrInvalidConfig,
	"InvalidRegion":                      ErrInvalidConfig,
	"PermanentRedirect":                  ErrInvalidConfig,

	"InternalError":      ErrUnavailable,
	"RequestTimeout":     ErrUnavailable,
	"ServiceUnavailable": ErrUnavailable,
	"SlowDown":           ErrUnavailable,
	"Throttling":         ErrUnavailable,
	"TooManyRequests":    ErrUnavailable,
}

// classify turns an error from the AWS SDK into one wrapping a sentinel.
// Cancellation is passed through as the context's own error.
func classify(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, context.Canceled):
		return context.Canceled
	case errors.Is(err, context.DeadlineExceeded):
		return context.DeadlineExceeded
	}

	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return classifyAPI(apiErr, httpStatus(err))
	}
	if status := httpStatus(err); status != 0 {
		return newError(kindOfStatus(status), http.StatusText(status))
	}
	return classifyTransport(err)
}

func classifyAPI(apiErr smithy.APIError, status int) error {
	detail := fmt.Sprintf("%s (HTTP %d)", apiErr.ErrorCode(), status)
	if msg := apiErr.ErrorMessage(); msg != "" {
		detail += ": " + msg
	}

	if kind, ok := s3Codes[apiErr.ErrorCode()]; ok {
		return newError(kind, detail)
	}
	return newError(kindOfStatus(status), detail)
}

func kindOfStatus(status int) error {
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return ErrAccessDenied
	case status == http.StatusNotFound:
		return ErrNotFound
	case status == http.StatusMovedPermanently || status == http.StatusTemporaryRedirect:
		// The bucket lives in another region than the one configured.
		return ErrInvalidConfig
	case status == http.StatusRequestTimeout || status == http.StatusTooManyRequests:
		return ErrUnavailable
	case status >= 500 && status != http.StatusNotImplemented:
		return ErrUnavailable
	default:
		return ErrRejected
	}
}

// classifyTransport handles failures that happened before any response:
// certificates, DNS, refused or dropped connections, timeouts.
func classifyTransport(err error) error {
	// url.Error repeats the request URL; the cause alone is what matters.
	cause := err
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		cause = urlErr.Err
	}

	if isCertificateError(cause) {
		return newError(ErrInvalidConfig, cause.Error())
	}

	var netErr net.Error
	var sendErr *smithyhttp.RequestSendError
	if errors.As(cause, &netErr) || errors.As(err, &sendErr) {
		return newError(ErrUnreachable, cause.Error())
	}
	return newError(ErrRejected, cause.Error())
}

func isCertificateError(err error) bool {
	var verifyErr *tls.CertificateVerificationError
	var authorityErr x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var headerErr tls.RecordHeaderError
	return errors.As(err, &verifyErr) || errors.As(err, &authorityErr) ||
		errors.As(err, &hostErr) || errors.As(err, &headerErr)
}

func httpStatus(err error) int {
	var withStatus interface{ HTTPStatusCode() int }
	if errors.As(err, &withStatus) {
		return withStatus.HTTPStatusCode()
	}
	return 0
}
