package client_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/cofferhq/coffer/controlplane/client"
	"github.com/cofferhq/coffer/controlplane/client/clienttest"
	"github.com/cofferhq/coffer/controlplane/secrets"
	"github.com/cofferhq/coffer/controlplane/store"
	"github.com/cofferhq/coffer/controlplane/targets"
)

func TestCreateS3Target(t *testing.T) {
	nt := testS3Target(t, "main")
	cp := clienttest.Start(t)
	ctx := testContext(t)
	rec := &recorder{}
	c := client.New(cp.URL, cp.Token, &http.Client{Transport: rec})

	created, err := c.CreateTarget(ctx, nt)
	if err != nil {
		t.Fatalf("create s3 target: %v", err)
	}
	if created.ID == "" || created.Type != "s3" || !created.HasSecret ||
		created.Bucket != nt.Bucket || created.MaxParts != 1000 || !created.PathStyle {
		t.Fatalf("created target: got %+v, want s3 with a secret and 1000 parts", created)
	}

	got, err := c.GetTarget(ctx, "main")
	if err != nil || got.ID != created.ID {
		t.Fatalf("get target by name: got %+v, %v; want %s", got, err, created.ID)
	}
	ts, err := c.ListTargets(ctx)
	if err != nil || len(ts) != 1 || ts[0].ID != created.ID {
		t.Fatalf("list targets: got %+v, %v; want the one target", ts, err)
	}
	rec.requireAbsent(t, nt.SecretAccessKey)
	checkSealed(t, cp, created.ID, nt.SecretAccessKey)
}

// checkSealed reads the stored target and checks that its secret is
// sealed, and that the control plane's key opens it into a working target.
func checkSealed(t *testing.T, cp *clienttest.ControlPlane, id, secret string) {
	t.Helper()
	st, err := store.Open(testContext(t), "", cp.DataDir)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	defer st.Close()
	stored, err := st.GetTarget(testContext(t), id)
	if err != nil {
		t.Fatalf("get stored target: %v", err)
	}
	if stored.SecretSealed == "" || strings.Contains(stored.SecretSealed, secret) {
		t.Fatalf("stored secret: got %q, want it sealed", stored.SecretSealed)
	}

	key, err := secrets.LoadKey(cp.DataDir)
	if err != nil {
		t.Fatalf("load key: %v", err)
	}
	resolved, err := targets.Open(stored, key)
	if err != nil {
		t.Fatalf("open target: %v", err)
	}
	if err := resolved.S3.Probe(testContext(t)); err != nil {
		t.Fatalf("probe the opened target: %v", err)
	}
}

func TestCreateS3TargetRefusals(t *testing.T) {
	good := testS3Target(t, "main")
	cp := clienttest.Start(t)
	ctx := testContext(t)
	rec := &recorder{}
	c := client.New(cp.URL, cp.Token, &http.Client{Transport: rec})

	tests := []struct {
		name   string
		change func(*client.NewStorageTarget)
		status int
		code   string
	}{
		{"wrong secret", func(n *client.NewStorageTarget) { n.SecretAccessKey += "-wrong" },
			http.StatusBadRequest, "storage_access_denied"},
		{"missing bucket", func(n *client.NewStorageTarget) { n.Bucket = "coffer-no-such" },
			http.StatusBadRequest, "storage_bucket_not_found"},
		{"closed port", func(n *client.NewStorageTarget) {
			n.Endpoint = "http://" + closedAddr(t)
		}, http.StatusBadRequest, "storage_unreachable"},
		{"bad endpoint", func(n *client.NewStorageTarget) { n.Endpoint = "ftp://x" },
			http.StatusBadRequest, "storage_invalid_config"},
		{"no bucket", func(n *client.NewStorageTarget) { n.Bucket = "" },
			http.StatusBadRequest, "bad_request"},
		{"no secret", func(n *client.NewStorageTarget) { n.SecretAccessKey = "" },
			http.StatusBadRequest, "bad_request"},
		{"with dir", func(n *client.NewStorageTarget) { n.Dir = "/srv" },
			http.StatusBadRequest, "bad_request"},
	}
	for _, tt := range tests {
		nt := good
		tt.change(&nt)
		_, err := c.CreateTarget(ctx, nt)
		e := mustAPIError(t, err, tt.status, tt.code)
		if tt.name == "closed port" && !strings.Contains(e.Message, nt.Endpoint) {
			t.Errorf("%s: got %q, want the endpoint named", tt.name, e.Message)
		}
		t.Logf("%s: %s", tt.name, e.Message)
	}

	ts, err := c.ListTargets(ctx)
	if err != nil || len(ts) != 0 {
		t.Fatalf("list targets after refusals: got %+v, %v; want none", ts, err)
	}
	rec.requireAbsent(t, good.SecretAccessKey)
}

func TestLocalTargets(t *testing.T) {
	cp := clienttest.Start(t)
	ctx := testContext(t)
	c := client.New(cp.URL, cp.Token, nil)

	nt := client.NewStorageTarget{Name: "disk", Type: "local", Dir: "/srv/coffer", MaxParts: 50}
	created, err := c.CreateTarget(ctx, nt)
	if err != nil {
		t.Fatalf("create local target: %v", err)
	}
	if created.Type != "local" || created.Dir != "/srv/coffer" || created.HasSecret ||
		created.MaxParts != 50 {
		t.Fatalf("created target: got %+v, want local /srv/coffer, 50 parts, no secret",
			created)
	}

	_, err = c.CreateTarget(ctx, nt)
	wantAPIError(t, err, http.StatusConflict, "conflict")

	if err := c.DeleteTarget(ctx, "disk"); err != nil {
		t.Fatalf("delete target: %v", err)
	}
	_, err = c.GetTarget(ctx, created.ID)
	wantAPIError(t, err, http.StatusNotFound, "not_found")
	err = c.DeleteTarget(ctx, created.ID)
	wantAPIError(t, err, http.StatusNotFound, "not_found")
}

func TestCreateTargetRejectsBadInput(t *testing.T) {
	cp := clienttest.Start(t)
	ctx := testContext(t)
	c := client.New(cp.URL, cp.Token, nil)

	bad := map[string]client.NewStorageTarget{
		"no name":       {Type: "local", Dir: "/srv"},
		"bad name":      {Name: "Disk", Type: "local", Dir: "/srv"},
		"no type":       {Name: "disk", Dir: "/srv"},
		"unknown type":  {Name: "disk", Type: "ftp", Dir: "/srv"},
		"no dir":        {Name: "disk", Type: "local"},
		"relative dir":  {Name: "disk", Type: "local", Dir: "srv"},
		"unclean dir":   {Name: "disk", Type: "local", Dir: "/srv/../etc"},
		"local with s3": {Name: "disk", Type: "local", Dir: "/srv", Bucket: "b"},
		"too many":      {Name: "disk", Type: "local", Dir: "/srv", MaxParts: 10001},
	}
	for name, nt := range bad {
		_, err := c.CreateTarget(ctx, nt)
		e := mustAPIError(t, err, http.StatusBadRequest, "bad_request")
		if !strings.HasSuffix(e.Message, ".") {
			t.Errorf("%s: message %q is not a sentence", name, e.Message)
		}
	}

	for _, body := range []string{`{"name":`, `[]`, `{"name":"d","type":"local","x":1}`, ``} {
		status, code := postRaw(t, cp, "/api/storage-targets", body)
		if status != http.StatusBadRequest || code != "bad_request" {
			t.Errorf("body %q: got %d %s, want 400 bad_request", body, status, code)
		}
	}
}
