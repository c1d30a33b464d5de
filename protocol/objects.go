package protocol

// MaxObjectSize caps the content of a PutObjectRequest. The content
// travels in the request frame, base64-encoded, so it must fit in
// MaxFrameSize with room to spare.
const MaxObjectSize = 512 << 10

// PutObjectRequest asks the agent to write Content to Object. The agent
// writes it as it writes a backup item: to a temporary file first, renamed
// into place once it is synced, so the file under its key is always whole.
type PutObjectRequest struct {
	Object  LocalObject `json:"object"`
	Content []byte      `json:"content"`
}

// PutObjectResult reports a written object.
type PutObjectResult struct {
	Size int64 `json:"size"`
}

// DeleteObjectsRequest asks the agent to delete files of one backup under
// a local target. Keys are checked before anything is deleted: one that is
// absolute or climbs out of the directory fails the whole request. Keys
// whose files are already gone are not an error. Afterwards the agent
// removes the directories of the keys that are left empty.
type DeleteObjectsRequest struct {
	Target LocalTarget `json:"target"`
	Keys   []string    `json:"keys"`
}

// DeleteObjectsResult counts the files deleted and the ones already gone.
type DeleteObjectsResult struct {
	Deleted int `json:"deleted"`
	Missing int `json:"missing"`
}
