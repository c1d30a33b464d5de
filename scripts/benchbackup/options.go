package main

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
)

// The test S3 server that scripts/test-env.sh starts; the Makefile exports
// the same settings under the COFFER_TEST_S3_* names.
const (
	defaultEndpoint  = "http://127.0.0.1:7070"
	defaultBucket    = "coffer-test"
	defaultAccessKey = "coffer-test-access"
	// The fixed key of that local, throwaway server, not a credential.
	defaultSecretKey = "coffer-test-secret-key" //nolint:gosec // G101
)

type options struct {
	dataDir  string
	workDir  string
	binDir   string
	awsBin   string
	sizeMiB  int
	seed     uint64
	runs     int
	maxParts int
	verify   bool
	skip     map[string]bool
	s3       s3Config
}

// s3Config names the bucket every tool writes to. The secret key comes from
// the environment only, so that it never shows in ps.
type s3Config struct {
	endpoint  string
	bucket    string
	accessKey string
	secretKey string
}

func parseFlags() (options, error) {
	root, err := moduleRoot()
	if err != nil {
		return options{}, err
	}
	o := options{skip: map[string]bool{}}
	flag.StringVar(&o.dataDir, "data", filepath.Join(root, "var", "bench", "data"),
		"cache directory of generated data sets, reused between runs")
	flag.StringVar(&o.workDir, "work", "", "where temporary archives and restores go "+
		"(default: the system's temporary directory)")
	flag.StringVar(&o.binDir, "bin", filepath.Join(root, "bin"),
		"directory holding coffer and coffer-agent ('make build')")
	flag.StringVar(&o.awsBin, "aws", defaultAWS(), "AWS CLI to run")
	flag.IntVar(&o.sizeMiB, "size-mib", 1024, "size of the data set in MiB")
	flag.Uint64Var(&o.seed, "seed", 1, "seed of the data set")
	flag.IntVar(&o.runs, "runs", 2, "timed runs of each tool, after one warm-up run")
	flag.IntVar(&o.maxParts, "max-parts", 0, "parts Coffer's storage target allows "+
		"(default: its own default); few parts make large ones, as a large volume has")
	flag.BoolVar(&o.verify, "verify", true, "check every restore against the data set")
	skips := map[string]*bool{}
	for _, name := range toolNames {
		skips[name] = flag.Bool("skip-"+name, false, "do not run "+name)
	}
	flag.StringVar(&o.s3.endpoint, "endpoint", env("COFFER_TEST_S3_ENDPOINT", defaultEndpoint),
		"S3 endpoint, on loopback ($COFFER_TEST_S3_ENDPOINT)")
	flag.StringVar(&o.s3.bucket, "bucket", env("COFFER_TEST_S3_BUCKET", defaultBucket),
		"S3 bucket ($COFFER_TEST_S3_BUCKET)")
	flag.StringVar(&o.s3.accessKey, "access-key",
		env("COFFER_TEST_S3_ACCESS_KEY", defaultAccessKey),
		"S3 access key id; the secret key is read from $COFFER_TEST_S3_SECRET_KEY")
	flag.Parse()

	for name, skip := range skips {
		o.skip[name] = *skip
	}
	o.s3.secretKey = env("COFFER_TEST_S3_SECRET_KEY", defaultSecretKey)
	return o, o.check()
}

func (o *options) check() error {
	if o.sizeMiB < 16 || o.runs < 1 {
		return errors.New("parse flags: -size-mib must be at least 16 and -runs at least 1")
	}
	if o.maxParts < 0 || o.maxParts > 10000 {
		return errors.New("parse flags: -max-parts must be between 1 and 10000")
	}
	if flag.NArg() > 0 {
		return fmt.Errorf("parse flags: unexpected argument %q", flag.Arg(0))
	}
	if err := checkLoopback(o.s3.endpoint); err != nil {
		return err
	}
	// Restore paths given to coffer must be absolute.
	var err error
	if o.dataDir, err = filepath.Abs(o.dataDir); err != nil {
		return fmt.Errorf("parse flags: -data: %w", err)
	}
	if o.workDir == "" {
		o.workDir = os.TempDir()
	}
	if o.workDir, err = filepath.Abs(o.workDir); err != nil {
		return fmt.Errorf("parse flags: -work: %w", err)
	}
	return nil
}

// checkLoopback refuses an S3 endpoint off this machine: the benchmark
// writes and deletes a gigabyte at a time, and it measures local speed.
func checkLoopback(endpoint string) error {
	u, err := url.Parse(endpoint)
	if err != nil || u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("parse flags: -endpoint %q is not an http(s) URL", endpoint)
	}
	ip := net.ParseIP(u.Hostname())
	if u.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("parse flags: -endpoint %q is not on loopback", endpoint)
	}
	return nil
}

func (o *options) spec() datasetSpec {
	return datasetSpec{SizeMiB: o.sizeMiB, Seed: o.seed, Version: datasetVersion}
}

// defaultAWS prefers the Debian package's AWS CLI, which bench.sh installs,
// over whichever one comes first on PATH.
func defaultAWS() string {
	const debian = "/usr/bin/aws"
	if _, err := os.Stat(debian); err == nil {
		return debian
	}
	return "aws"
}

// moduleRoot finds the directory holding go.mod, so the benchmark works
// from any directory inside the repository.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("find module root: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("find module root: no go.mod above the working directory")
		}
		dir = parent
	}
}

func env(key, fallback string) string {
	if v, ok := os.LookupEnv(key); ok && v != "" {
		return v
	}
	return fallback
}
