# The interface to glasslog: `make run` and `make test` work on a fresh clone with Node 20.
.PHONY: run test fuzz interop build lint bench clean deps

DEPS := node_modules/.deps-installed
JEST_FLAGS ?=

$(DEPS): package.json package-lock.json
	@echo "installing dependencies (npm ci)..."
	npm ci --no-audit --no-fund
	@touch $@

deps: $(DEPS)

build: $(DEPS)
	npx tsc -p tsconfig.build.json

lint: $(DEPS)
	npx tsc -p tsconfig.json --noEmit
	npx tsc -p src/explorer/browser/tsconfig.json

# Start the log on the embedded database (./data) with a generated dev key.
run: build
	node dist/cli/main.js serve --dev

# Every test. With DATABASE_URL set, database suites run on PostgreSQL as well as PGlite.
# PGlite loads its WASM with a dynamic import(), which jest's VM only allows with this flag.
test: build
	node --experimental-vm-modules node_modules/.bin/jest --maxWorkers=2 $(JEST_FLAGS)

# The fuzz suite at length: FUZZ_RUNS cases per entry kind (default here 5000).
fuzz: build
	FUZZ_RUNS=$${FUZZ_RUNS:-5000} node --experimental-vm-modules node_modules/.bin/jest test/fuzz $(JEST_FLAGS)

# rekor-cli and cosign (built from their Go modules, pinned, cached in .interop/) against a
# local glasslog. Not part of `make test`: the first build takes minutes.
interop: build
	scripts/interop

# Throughput, latency and memory against floors measured in the same run (BENCHMARKS.md).
# Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres);
# BENCH_QUICK=1 for a short smoke run.
bench: build
	npx tsc -p tsconfig.bench.json
	node dist-bench/bench/main.js

clean:
	rm -rf dist dist-bench
