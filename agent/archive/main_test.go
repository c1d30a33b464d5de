package archive_test

import (
	"os"
	"testing"
)

func TestMain(m *testing.M) {
	if spec := os.Getenv(rssChildEnv); spec != "" {
		os.Exit(runRSSChild(spec))
	}
	code := m.Run()
	removeBenchTree()
	os.Exit(code)
}
