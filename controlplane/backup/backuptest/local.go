package backuptest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"time"

	"github.com/cofferhq/coffer/protocol"
)

// The fake agent keeps local targets on its own disk: a temporary
// directory that stands for the host's root, so that each fake host has
// a disk of its own, as real hosts do.

// HostFile is where the agent keeps key of a local target in dir.
func (a *Agent) HostFile(dir, key string) string {
	return filepath.Join(a.disk, filepath.FromSlash(dir), filepath.FromSlash(key))
}

// localFile checks the target and key as a real agent does, and returns
// the file they name on the agent's disk.
func (a *Agent) localFile(target protocol.LocalTarget, key string) (string, error) {
	if !path.IsAbs(target.Dir) || path.Clean(key) != key || !filepath.IsLocal(key) {
		return "", fmt.Errorf("unsafe local object %q in %q", key, target.Dir)
	}
	return a.HostFile(target.Dir, key), nil
}

// backupLocal writes the payload into a local target.
func (a *Agent) backupLocal(st *protocol.Stream, obj protocol.LocalObject) {
	start := time.Now()
	if err := a.writeLocal(obj, a.payload); err != nil {
		_ = st.Fail(protocol.CodeStorage, err.Error())
		return
	}
	n := int64(len(a.payload))
	_ = st.Send(protocol.TypeEvent, protocol.ItemEvent{ReadBytes: n, WrittenBytes: n})
	sum := sha256.Sum256(a.payload)
	_ = st.Send(protocol.TypeResult, protocol.BackupItemResult{
		Size: n, SHA256: hex.EncodeToString(sum[:]), SourceBytes: n, Files: 1,
		Duration: time.Since(start),
	})
}

func (a *Agent) writeLocal(obj protocol.LocalObject, content []byte) error {
	file, err := a.localFile(obj.Target, obj.Key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o750); err != nil {
		return err
	}
	return os.WriteFile(file, content, 0o640)
}

// putObject serves OpPutObject.
func (a *Agent) putObject(st *protocol.Stream, req protocol.PutObjectRequest) {
	if err := a.writeLocal(req.Object, req.Content); err != nil {
		_ = st.Fail(protocol.CodeStorage, err.Error())
		return
	}
	_ = st.Send(protocol.TypeResult, protocol.PutObjectResult{Size: int64(len(req.Content))})
}

// deleteObjects serves OpDeleteObjects: it deletes the files, then their
// directories once empty.
func (a *Agent) deleteObjects(st *protocol.Stream, req protocol.DeleteObjectsRequest) {
	var res protocol.DeleteObjectsResult
	dirs := make(map[string]bool)
	for _, key := range req.Keys {
		file, err := a.localFile(req.Target, key)
		if err != nil {
			_ = st.Fail(protocol.CodeInternal, err.Error())
			return
		}
		dirs[filepath.Dir(file)] = true
		err = os.Remove(file)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			res.Missing++
		case err != nil:
			_ = st.Fail(protocol.CodeStorage, err.Error())
			return
		default:
			res.Deleted++
		}
	}
	for dir := range dirs {
		_ = os.Remove(dir) // fails while anything is left in it
	}
	_ = st.Send(protocol.TypeResult, res)
}
