// Package backuptest provides what tests of backups need around a real
// control plane: a fake agent built from the protocol package alone, and
// the S3 test server.
package backuptest

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/yamux"

	"github.com/cofferhq/coffer/controlplane/client"
	"github.com/cofferhq/coffer/controlplane/client/clienttest"
	"github.com/cofferhq/coffer/protocol"
)

// Agent speaks the agent's side of the protocol from the protocol
// package alone: it enrolls, connects, reports an inventory, and serves
// measure, backup and restore operations with bytes it makes up. It
// uploads to S3 targets and writes to local targets on a disk of its own,
// but restores from S3 only.
type Agent struct {
	t       testing.TB
	hostID  string
	key     ed25519.PrivateKey
	sess    *yamux.Session
	payload []byte
	disk    string // stands for the host's root directory
	// failAfter, when above zero, makes every backup item fail once this
	// many parts are uploaded, as an agent whose source broke would.
	failAfter int

	mu       sync.Mutex
	backups  []protocol.BackupItemRequest
	restores []protocol.RestoreItemRequest
	askedFor []protocol.URLRange
}

// Options say how an Agent behaves.
type Options struct {
	// Payload is what every backup item reads and uploads.
	Payload []byte
	// FailAfter, when above zero, makes every backup item fail once this
	// many parts are uploaded.
	FailAfter int
}

// StartAgent enrolls a host named name and connects it, reporting
// containers as its inventory, until the test ends.
func StartAgent(t testing.TB, cp *clienttest.ControlPlane, name string,
	containers []protocol.Container, opts Options) *Agent {
	t.Helper()
	a := &Agent{t: t, payload: opts.Payload, failAfter: opts.FailAfter, disk: t.TempDir()}
	a.enroll(cp, name)
	a.connect(cp)
	a.handshake()
	a.sendInventory(containers)
	go a.serve()
	t.Cleanup(func() { _ = a.sess.Close() })
	return a
}

func (a *Agent) enroll(cp *clienttest.ControlPlane, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), clienttest.Timeout)
	defer cancel()
	tok, err := client.New(cp.URL, cp.Token, nil).CreateEnrollmentToken(ctx, 0)
	if err != nil {
		a.t.Fatalf("create enrollment token: %v", err)
	}
	pub, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		a.t.Fatalf("generate host key: %v", err)
	}
	a.key = key

	body, _ := json.Marshal(protocol.EnrollRequest{
		Token: tok.Token, PublicKey: pub, Name: name, AgentVersion: "0.0.0-test",
	})
	resp, err := http.Post(cp.URL+protocol.EnrollPath, "application/json",
		bytes.NewReader(body))
	if err != nil {
		a.t.Fatalf("enroll: %v", err)
	}
	defer resp.Body.Close()
	var out protocol.EnrollResponse
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.HostID == "" {
		a.t.Fatalf("enroll: status %d, error %v, host id %q", resp.StatusCode, err, out.HostID)
	}
	a.hostID = out.HostID
}

func (a *Agent) connect(cp *clienttest.ControlPlane) {
	ctx, cancel := context.WithTimeout(context.Background(), clienttest.Timeout)
	defer cancel()
	url := "ws" + strings.TrimPrefix(cp.URL, "http") + protocol.ConnectPath
	sess, err := protocol.Dial(ctx, url, protocol.SignConnect(a.key, a.hostID, time.Now()), nil)
	if err != nil {
		a.t.Fatalf("dial control plane: %v", err)
	}
	a.sess = sess
}

func (a *Agent) handshake() {
	st := a.open(protocol.OpHandshake)
	defer st.Close()
	hello := protocol.Hello{Version: protocol.Current, AgentVersion: "0.0.0-test",
		Capabilities: []string{protocol.CapInventory, protocol.CapBackup}}
	if err := st.Send(protocol.TypeRequest, hello); err != nil {
		a.t.Fatalf("send hello: %v", err)
	}
	m, err := st.Recv()
	if err != nil || m.Err() != nil {
		a.t.Fatalf("handshake: %v, %v", err, m.Err())
	}
}

// sendInventory reports the containers as the host's full inventory.
func (a *Agent) sendInventory(cs []protocol.Container) {
	ctx, cancel := context.WithTimeout(context.Background(), clienttest.Timeout)
	defer cancel()
	hdr := protocol.Header{Op: protocol.OpInventory, RequestID: "inventory"}
	inv := protocol.Inventory{Full: true, Upserts: cs}
	if err := protocol.Call(ctx, a.sess, hdr, inv, nil, nil); err != nil {
		a.t.Fatalf("send inventory: %v", err)
	}
}

func (a *Agent) open(op protocol.Op) *protocol.Stream {
	raw, err := a.sess.Open()
	if err != nil {
		a.t.Fatalf("open %s stream: %v", op, err)
	}
	st := protocol.NewStream(raw)
	if err := st.WriteHeader(protocol.Header{Op: op, RequestID: string(op)}); err != nil {
		a.t.Fatalf("write %s header: %v", op, err)
	}
	return st
}

func (a *Agent) serve() {
	for {
		raw, err := a.sess.AcceptStream()
		if err != nil {
			return
		}
		go a.handle(protocol.NewStream(raw))
	}
}

func (a *Agent) handle(st *protocol.Stream) {
	defer st.Close()
	h, err := st.ReadHeader()
	if err != nil {
		return
	}
	m, err := st.Recv()
	if err != nil {
		return
	}
	switch h.Op {
	case protocol.OpMeasure:
		_ = st.Send(protocol.TypeResult, protocol.MeasureResult{
			Bytes: int64(len(a.payload)), Files: 1,
		})
	case protocol.OpBackupItem:
		var req protocol.BackupItemRequest
		if m.Decode(&req) == nil {
			a.backupItem(st, req)
		}
	case protocol.OpRestoreItem:
		var req protocol.RestoreItemRequest
		if m.Decode(&req) == nil {
			a.restoreItem(st, req)
		}
	case protocol.OpPutObject:
		var req protocol.PutObjectRequest
		if m.Decode(&req) == nil {
			a.putObject(st, req)
		}
	case protocol.OpDeleteObjects:
		var req protocol.DeleteObjectsRequest
		if m.Decode(&req) == nil {
			a.deleteObjects(st, req)
		}
	default:
		_ = st.Fail("unknown_operation", "not served by the fake agent")
	}
}

// HostID is the id the control plane gave the agent's host.
func (a *Agent) HostID() string { return a.hostID }

// Backups returns the backup item requests the agent received.
func (a *Agent) Backups() []protocol.BackupItemRequest {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.backups)
}

// Restores returns the restore item requests the agent received.
func (a *Agent) Restores() []protocol.RestoreItemRequest {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.restores)
}

// AskedFor returns the part URL ranges the agent asked for on its streams.
func (a *Agent) AskedFor() []protocol.URLRange {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.askedFor)
}
