package manifest

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func sampleManifest() *Manifest {
	created := time.Date(2031, 3, 14, 15, 9, 26, 0, time.UTC)
	return &Manifest{
		Version: Version, BackupID: "01hx", Name: "shop-20310314-150926",
		Project: Ref{ID: "01pr", Name: "shop"},
		Target:  Target{ID: "01tg", Name: "b2", Type: "s3"},
		Status:  StatusCompleted, Size: 300,
		CreatedAt: created, CompletedAt: created.Add(time.Minute),
		Items: []Item{
			{
				ID: "01it1", Kind: KindVolume, Host: Ref{ID: "01ho", Name: "h1"},
				Status:     StatusCompleted,
				Container:  &Container{Namespace: "moby", ID: "c1", Name: "web"},
				SourcePath: "/srv/web", Key: "b/shop/01hx/web-srv-web.tar.zst",
				Size: 100, SHA256: strings.Repeat("ab", 32), SourceBytes: 1000, Files: 3,
				DurationMs: 1500,
			},
			{
				ID: "01it2", Kind: KindPath, Host: Ref{ID: "01ho", Name: "h1"},
				Status: StatusCompleted, SourcePath: "/etc/nginx",
				Key: "b/shop/01hx/host-h1-etc-nginx.tar.zst", Size: 200,
				SHA256: strings.Repeat("cd", 32), SourceBytes: 2000, Files: 9,
			},
		},
	}
}

func TestManifestRoundTrip(t *testing.T) {
	want := sampleManifest()
	body, err := Encode(want)
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	got, err := Decode(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("Decode: %v\n%s", err, body)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, want)
	}
}

func TestDecodeRefuses(t *testing.T) {
	tests := []struct {
		name   string
		change func(m *Manifest)
	}{
		{"other version", func(m *Manifest) { m.Version = 2 }},
		{"no backup id", func(m *Manifest) { m.BackupID = "" }},
		{"slash in id", func(m *Manifest) { m.BackupID = "a/b" }},
		{"running", func(m *Manifest) { m.Status = "RUNNING" }},
		{"no items", func(m *Manifest) { m.Items = nil }},
		{"negative size", func(m *Manifest) { m.Items[0].Size = -1 }},
		{"bad sha", func(m *Manifest) { m.Items[0].SHA256 = "xyz" }},
		{"upper-case sha", func(m *Manifest) { m.Items[0].SHA256 = strings.Repeat("AB", 32) }},
		{"volume without container", func(m *Manifest) { m.Items[0].Container = nil }},
		{"unknown kind", func(m *Manifest) { m.Items[1].Kind = "database" }},
		{"relative source", func(m *Manifest) { m.Items[1].SourcePath = "etc" }},
		{"key in other backup", func(m *Manifest) { m.Items[1].Key = "b/shop/01zz/x.tar.zst" }},
		{"key climbs", func(m *Manifest) { m.Items[1].Key = "b/../01hx/x" }},
		{"duplicate item", func(m *Manifest) { m.Items[1].ID = m.Items[0].ID }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := sampleManifest()
			tt.change(m)
			body, err := Encode(m)
			if err != nil {
				t.Fatalf("Encode: %v", err)
			}
			if _, err := Decode(bytes.NewReader(body)); !errors.Is(err, ErrInvalid) {
				t.Fatalf("Decode = %v, want ErrInvalid", err)
			}
		})
	}
}

func TestDecodeIsStrict(t *testing.T) {
	body, err := Encode(sampleManifest())
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	extra := []byte(`"extra": 1, "version"`)
	inputs := map[string][]byte{
		"unknown field": bytes.Replace(body, []byte(`"version"`), extra, 1),
		"trailing data": append(bytes.Clone(body), []byte(`{}`)...),
		"too large":     bytes.Repeat([]byte(" "), maxManifestSize+1),
		"not json":      []byte("PK\x03\x04"),
	}
	for name, in := range inputs {
		if _, err := Decode(bytes.NewReader(in)); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: Decode = %v, want ErrInvalid", name, err)
		}
	}
}

// TestManifestSeedCorpus keeps the checked-in valid seed decodable, so the
// fuzzer starts from a manifest that reaches the deepest checks.
func TestManifestSeedCorpus(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("testdata", "manifest.json"))
	if err != nil {
		t.Fatalf("read seed: %v", err)
	}
	if _, err := Decode(bytes.NewReader(body)); err != nil {
		t.Fatalf("Decode(testdata/manifest.json): %v", err)
	}
}

func FuzzDecodeManifest(f *testing.F) {
	seed, err := os.ReadFile(filepath.Join("testdata", "manifest.json"))
	if err != nil {
		f.Fatalf("read seed: %v", err)
	}
	f.Add(seed)
	f.Add([]byte(`{"version":1}`))
	f.Add([]byte(`[]`))

	f.Fuzz(func(t *testing.T, body []byte) {
		m, err := Decode(bytes.NewReader(body))
		if err != nil {
			return
		}
		// Whatever decodes must survive its own round trip and checks.
		again, err := Encode(m)
		if err != nil {
			t.Fatalf("Encode of a decoded manifest: %v", err)
		}
		if _, err := Decode(bytes.NewReader(again)); err != nil {
			t.Fatalf("decoded manifest does not decode again: %v", err)
		}
		for _, it := range m.Items {
			if strings.Contains(it.Key, "..") && checkItemKey(it.Key, m.BackupID) == nil {
				t.Fatalf("key %q with a relative segment passed", it.Key)
			}
		}
	})
}
