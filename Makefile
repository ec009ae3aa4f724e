# The two commands (see README.md): `make run` and `make test`.
CONFIGURATION ?= Release
DOTNET ?= dotnet
SERVER_DLL := src/Tempo.Streaming.Server/bin/$(CONFIGURATION)/net10.0/tempo-streaming.dll
CLI_DLL := src/Tempo.Streaming.Cli/bin/$(CONFIGURATION)/net10.0/tempo-streaming-cli.dll
ARGS ?=

export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1

.PHONY: run test build deps test-deps clean load publish bench bench-ingest bench-livestore bench-kafka bench-blocks bench-blocks-query bench-search bench-steady-state bench-steady-state-livestore

## run: install runtime packages, build, start the single binary (-target=all) with embedded defaults
run: deps build
	$(DOTNET) $(SERVER_DLL) -target=all $(ARGS)

## test: install test dependencies, build, run every test; ends with "N passed, N failed"
test: test-deps build
	CONFIGURATION=$(CONFIGURATION) scripts/test-summary.sh

build:
	$(DOTNET) build Tempo.Streaming.sln -c $(CONFIGURATION) -nologo -v quiet -clp:ErrorsOnly

deps:
	scripts/install-runtime-deps.sh

test-deps:
	scripts/install-test-deps.sh

## load: the standard "shop" workload against a running server, e.g. make load ARGS="--duration 30s"
load: build
	$(DOTNET) $(CLI_DLL) load $(ARGS)

## bench: BenchmarkDotNet micro-benchmarks (allocations and per-span cost), e.g. make bench ARGS="--job short"
bench:
	$(DOTNET) run -c Release --project tests/Tempo.Streaming.Benchmarks -- --filter '*' $(ARGS)

## bench-ingest: end-to-end acknowledged spans/s and peak RSS per OTLP protocol (3 runs x 30 s each by default)
bench-ingest:
	scripts/bench-ingest.sh $(ARGS)

## bench-livestore: live-store consumption (harness and end to end), freshness at 75k spans/s, trace by ID with 1M traces (medians of 3 runs)
bench-livestore:
	scripts/bench-livestore.sh $(ARGS)

## bench-kafka: distributed ingest, OTLP gRPC -> distributor -> mock Kafka -> live store (spans/s, p99 push; medians of 3 runs)
bench-kafka:
	scripts/bench-kafka.sh $(ARGS)

## bench-blocks: block write spans/s, bytes per span by column family, trace by ID from a block, local and S3 (medians of 3 blocks)
bench-blocks:
	scripts/bench-blocks.sh $(ARGS)

## bench-blocks-query: trace by ID from >= 100 blocks flushed by the single binary (mode=blocks), local and s3rver (medians of 3 passes)
bench-blocks-query:
	scripts/bench-blocks-query.sh $(ARGS)

## bench-search: TraceQL search spans/s per core on shop blocks beside DuckDB's SQL on the same files (4 queries, medians of 5 runs)
bench-search:
	scripts/bench-search.sh $(ARGS)

## bench-steady-state: push at a rate for 10 min (-r spans/s, -d duration); RSS, consumption lag and flush lag sampled every 10 s
bench-steady-state:
	scripts/bench-steady-state.sh $(ARGS)

## bench-steady-state-livestore: the live store alone (pre-filled log released at -r spans/s for -d), same samples and report
bench-steady-state-livestore:
	scripts/bench-steady-state-livestore.sh $(ARGS)

clean:
	$(DOTNET) clean Tempo.Streaming.sln -c $(CONFIGURATION) -nologo -v quiet
	rm -rf .tmp

## publish: self-contained linux-x64 binaries under .publish/ (what the Dockerfile copies)
publish:
	$(DOTNET) publish src/Tempo.Streaming.Server -c Release -r linux-x64 --self-contained -o .publish/server -nologo -v quiet
	$(DOTNET) publish src/Tempo.Streaming.Cli -c Release -r linux-x64 --self-contained -o .publish/cli -nologo -v quiet
