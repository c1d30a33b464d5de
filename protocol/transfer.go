package protocol

import (
	"fmt"
	"net/url"
	"time"
)

// The types below carry an item's bytes between the agent and its storage.
// The control plane holds the storage credentials and signs; the agent only
// ever sees short-lived presigned URLs for the parts it uploads or the
// objects it restores.
//
// A presigned URL is a bearer secret: whoever holds it may write or read the
// object until it expires. URLs must never be logged or put into error
// messages. These types deliberately have no String method, so that printing
// one is an explicit choice; use Redacted for anything a person may read.

// UploadPlan tells the agent how to cut one item's stream into parts.
type UploadPlan struct {
	// PartSize is the size of every part but the last, which may be
	// smaller. Some providers (R2) reject uploads whose parts differ.
	PartSize int64 `json:"partSize"`
	// MaxParts is the number of parts the provider accepts for one object;
	// a stream that needs more fails instead of being cut short.
	MaxParts int `json:"maxParts"`
}

// PresignedPart lets the agent upload one part of a multipart upload.
type PresignedPart struct {
	// Number is the part number, starting at 1.
	Number int32 `json:"number"`
	// URL is the presigned UploadPart URL. Secret: never log it.
	URL string `json:"url"`
	// Headers must be sent with the request as they are; the signature
	// covers them.
	Headers   map[string]string `json:"headers,omitempty"`
	ExpiresAt time.Time         `json:"expiresAt"`
}

// Redacted describes the part without its signature, for logs and errors.
func (p PresignedPart) Redacted() string {
	return fmt.Sprintf("part %d at %s (expires %s)",
		p.Number, RedactURL(p.URL), p.ExpiresAt.UTC().Format(time.RFC3339))
}

// PartReceipt is what the agent reports for an uploaded part; the control
// plane completes the upload from the receipts.
type PartReceipt struct {
	Number int32 `json:"number"`
	// ETag is the value the storage returned for the part, quotes included.
	ETag string `json:"etag"`
	Size int64  `json:"size"`
}

// PresignedGet lets the agent download one object for a restore.
type PresignedGet struct {
	// URL is the presigned GetObject URL. Secret: never log it.
	URL       string            `json:"url"`
	Headers   map[string]string `json:"headers,omitempty"`
	ExpiresAt time.Time         `json:"expiresAt"`
	// Size is the object's size in bytes as the control plane recorded
	// it; the agent treats a shorter or longer body as an error. Zero
	// means unknown and is not checked.
	Size int64 `json:"size"`
}

// Redacted describes the download without its signature.
func (g PresignedGet) Redacted() string {
	return fmt.Sprintf("get %s (%d bytes, expires %s)",
		RedactURL(g.URL), g.Size, g.ExpiresAt.UTC().Format(time.RFC3339))
}

// LocalTarget names a directory on the agent's host that holds backups
// instead of object storage. Keys are paths relative to it.
type LocalTarget struct {
	Dir string `json:"dir"`
}

// RedactURL returns rawURL without its query string, user information and
// fragment, which is where presigned URLs carry their credentials. What is
// left (scheme, host and path) names the object but grants nothing.
func RedactURL(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "<unparsable url>"
	}

	redacted := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}
	return redacted.String()
}
