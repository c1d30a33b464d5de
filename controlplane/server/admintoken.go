package server

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/rs/zerolog"

	"github.com/cofferhq/coffer/controlplane/auth"
	"github.com/cofferhq/coffer/controlplane/store"
)

// AdminTokenFile is where the bootstrap admin token is written, relative
// to the data directory.
const AdminTokenFile = "admin.token"

var adminScopes = []string{"admin"}

// minAdminTokenLen refuses admin tokens short enough to guess.
const minAdminTokenLen = 24

// ensureAdminToken makes sure an admin can reach the API on first start:
// with the token from the environment when one is given, otherwise with a
// generated one written to the data directory, readable by its owner only.
func ensureAdminToken(ctx context.Context, st *store.Store, cfg Config,
	log zerolog.Logger) error {
	if cfg.AdminToken != "" {
		if len(cfg.AdminToken) < minAdminTokenLen {
			return fmt.Errorf("COFFER_ADMIN_TOKEN: want at least %d characters",
				minAdminTokenLen)
		}
		return registerToken(ctx, st, cfg.AdminToken)
	}

	path := filepath.Join(cfg.DataDir, AdminTokenFile)
	raw, err := os.ReadFile(path)
	if err == nil {
		return registerToken(ctx, st, strings.TrimSpace(string(raw)))
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("read admin token: %w", err)
	}

	tok, err := auth.NewToken("cft")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, []byte(tok+"\n"), 0o600); err != nil {
		return fmt.Errorf("write admin token: %w", err)
	}
	log.Info().Str("path", path).Msg("bootstrap admin token written")
	return registerToken(ctx, st, tok)
}

// registerToken stores the token's hash unless it is already known.
func registerToken(ctx context.Context, st *store.Store, tok string) error {
	_, err := st.AuthenticateAPIToken(ctx, tok)
	if err == nil {
		return nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("check admin token: %w", err)
	}
	if _, err := st.CreateAPIToken(ctx, "admin", tok, adminScopes); err != nil {
		return fmt.Errorf("register admin token: %w", err)
	}
	return nil
}
