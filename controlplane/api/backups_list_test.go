package api_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/cofferhq/coffer/controlplane/api"
	"github.com/cofferhq/coffer/controlplane/store"
)

const listToken = "coffer-list-test-token-0123456789abcdef"

// listServer serves the API over a store holding five backups of one
// project, created a second apart.
func listServer(t *testing.T) *httptest.Server {
	t.Helper()
	st, err := store.Open(t.Context(), "", t.TempDir())
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if _, err := st.CreateAPIToken(t.Context(), "test", listToken, nil); err != nil {
		t.Fatalf("create token: %v", err)
	}
	p, err := st.CreateProject(t.Context(), "web")
	if err != nil {
		t.Fatal(err)
	}
	tg, err := st.CreateTarget(t.Context(), store.NewTarget{
		Name: "main", Type: store.TargetLocal, LocalDir: "/var/backups",
	})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for i := range 5 {
		items := []store.NewBackupItem{{
			Kind: store.KindPath, HostID: "h", SourcePath: "/etc/app", ObjectKey: "k",
		}}
		_, err := st.CreateBackup(t.Context(), p.ID, tg.ID, "", "", items,
			at.Add(time.Duration(i)*time.Second))
		if err != nil {
			t.Fatalf("create backup: %v", err)
		}
	}

	srv := httptest.NewServer(api.New(api.Config{
		Store: st, Logger: zerolog.Nop(), Registry: prometheus.NewRegistry(),
	}))
	t.Cleanup(srv.Close)
	return srv
}

func getBackups(t *testing.T, url string) (*http.Response, []struct{ ID string }) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+listToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	var page []struct{ ID string }
	if resp.StatusCode == http.StatusOK {
		if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
			t.Fatalf("decode page: %v", err)
		}
	}
	return resp, page
}

// TestListBackupsFollowsLinks walks the pages by their Link headers.
func TestListBackupsFollowsLinks(t *testing.T) {
	srv := listServer(t)

	var ids []string
	next := "/api/backups?projectId=web&limit=2"
	for pages := 0; next != ""; pages++ {
		if pages == 5 {
			t.Fatal("the Link headers never end")
		}
		resp, page := getBackups(t, srv.URL+next)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: status %d, want 200", next, resp.StatusCode)
		}
		for _, b := range page {
			ids = append(ids, b.ID)
		}
		next = ""
		if link := resp.Header.Get("Link"); link != "" {
			start, end := strings.Index(link, "<"), strings.Index(link, ">")
			if start < 0 || end < start || !strings.HasSuffix(link, `rel="next"`) {
				t.Fatalf("Link header %q is not a next link", link)
			}
			next = link[start+1 : end]
		}
	}

	_, all := getBackups(t, srv.URL+"/api/backups")
	if len(ids) != 5 || len(all) != 5 {
		t.Fatalf("pages gave %d backups and one request %d, want 5 each", len(ids), len(all))
	}
	for i := range all {
		if ids[i] != all[i].ID {
			t.Errorf("backup %d: paged %s, listed %s", i, ids[i], all[i].ID)
		}
	}
}

func TestListBackupsRefusesBadPages(t *testing.T) {
	srv := listServer(t)
	for _, query := range []string{"limit=0", "limit=1001", "limit=ten", "before=nobackup"} {
		resp, _ := getBackups(t, srv.URL+"/api/backups?"+query)
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("GET /api/backups?%s: status %d, want 400", query, resp.StatusCode)
		}
	}
}
