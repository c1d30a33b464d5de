package client

import (
	"context"
	"math"
	"net/http"
	"time"
)

type enrollmentTokenRequest struct {
	TTLSeconds *int64 `json:"ttlSeconds,omitempty"`
}

// CreateEnrollmentToken creates a one-time token for enrolling one agent.
// A zero ttl leaves the lifetime to the server's default.
func (c *Client) CreateEnrollmentToken(ctx context.Context, ttl time.Duration) (
	*EnrollmentToken, error) {
	var in enrollmentTokenRequest
	if ttl != 0 {
		// Rounded up, so that a ttl under a second is not sent as zero,
		// which the server would refuse with a confusing sentence.
		secs := int64(math.Ceil(ttl.Seconds()))
		in.TTLSeconds = &secs
	}

	var tok EnrollmentToken
	if err := c.do(ctx, http.MethodPost, "/api/enrollment-tokens", in, &tok); err != nil {
		return nil, err
	}
	return &tok, nil
}
