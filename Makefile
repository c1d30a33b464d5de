# Coffer's build, test and lint entry points. `make help` lists them.

GO ?= go
BIN := bin
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X github.com/cofferhq/coffer/protocol.AgentVersion=$(VERSION)

GOBIN_DIR := $(shell $(GO) env GOPATH)/bin
GOLANGCI_LINT_VERSION := v2.15.0
GOLANGCI_LINT := $(GOBIN_DIR)/golangci-lint

TEST_TIMEOUT ?= 18m
FUZZTIME ?= 30s

# The services that scripts/test-env.sh starts. Set any of them to point the
# tests elsewhere.
export COFFER_TEST_POSTGRES_URL ?= postgres://coffer:coffer@127.0.0.1:5432/coffer_test?sslmode=disable
export COFFER_TEST_MYSQL_URL ?= coffer:coffer@tcp(127.0.0.1:3306)/coffer_test
export COFFER_TEST_S3_ENDPOINT ?= http://127.0.0.1:7070
export COFFER_TEST_S3_ACCESS_KEY ?= coffer-test-access
export COFFER_TEST_S3_SECRET_KEY ?= coffer-test-secret-key
export COFFER_TEST_S3_BUCKET ?= coffer-test
export COFFER_TEST_BUSYBOX_IMAGE ?= $(CURDIR)/var/test/busybox.tar

.PHONY: all build run test test-env test-s3-compat vet bench lint fmt-check fuzz clean help

all: build

help:
	@echo 'make build      build bin/coffer and bin/coffer-agent'
	@echo 'make run        run a control plane and an agent on this machine (state in var/)'
	@echo 'make test       prepare the test services, vet, and run every test with -race'
	@echo 'make test-env   only prepare the test services (scripts/test-env.sh, as root)'
	@echo 'make test-s3-compat  run the S3 tests against SeaweedFS too (slow: builds it)'
	@echo 'make bench      run the benchmarks (scripts/bench.sh)'
	@echo 'make lint       gofmt check, go vet and golangci-lint'
	@echo 'make fuzz       run each fuzz target for FUZZTIME (default $(FUZZTIME))'

# The agent is copied onto hosts whose C library may be older or another
# one (musl), so it is always linked statically. With cgo it links the zstd
# library in, statically too; the tags keep the C library's resolver, user
# lookup and plugin loader out, which cannot work in a static binary.
AGENT_TAGS := netgo,osusergo,static_build
ifeq ($(shell $(GO) env CGO_ENABLED),1)
AGENT_LDFLAGS := $(LDFLAGS) -linkmode external -extldflags -static
else
AGENT_LDFLAGS := $(LDFLAGS)
endif

# -o with a directory names each binary after its main package's folder.
build:
	@mkdir -p $(BIN)
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN)/ ./controlplane/cmd/coffer
	$(GO) build -tags $(AGENT_TAGS) -ldflags "$(AGENT_LDFLAGS)" -o $(BIN)/ \
		./agent/cmd/coffer-agent

run:
	bash scripts/run.sh

test: test-env vet
	$(GO) test -race -count=1 -timeout $(TEST_TIMEOUT) ./...

test-env:
	bash scripts/test-env.sh

test-s3-compat: test-env
	bash scripts/s3-compat.sh

vet:
	$(GO) vet ./...

bench:
	bash scripts/bench.sh

lint: fmt-check vet $(GOLANGCI_LINT)
	$(GOLANGCI_LINT) run ./...

fmt-check:
	@files=$$(find . -name '*.go' -not -path './var/*' -not -path './bin/*' -print0 | \
		xargs -0 -r gofmt -l); \
	if [ -n "$$files" ]; then echo "not gofmt-ed:"; echo "$$files"; exit 1; fi

$(GOLANGCI_LINT):
	GOBIN=$(GOBIN_DIR) GOFLAGS= $(GO) install \
		github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION)

# Finds fuzz targets by their declarations, so no test binary is built twice.
fuzz:
	@set -e; \
	for dir in $$(grep -rl --include='*_test.go' '^func Fuzz' . | xargs -r -n1 dirname | sort -u); do \
		for target in $$(grep -ho '^func Fuzz[A-Za-z0-9_]*' $$dir/*_test.go | sed 's/^func //'); do \
			echo "fuzz $$dir $$target"; \
			$(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) $$dir; \
		done; \
	done

clean:
	rm -rf $(BIN)
