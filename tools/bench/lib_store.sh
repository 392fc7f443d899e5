# tools/bench/lib_store.sh — the ingested generic store the API and start-up benchmarks run on
# (source after lib.sh).
#
#   generic_store [--quick]   sets $STORE_DIR (data/ and plugins/ inside) and $STORE_LABEL (1m, or
#                             10k with --quick); runs tools/bench/ingest_generic/run first when
#                             that store is missing or incomplete
generic_store() {
  STORE_LABEL=1m
  [[ "${1:-}" == "--quick" ]] && STORE_LABEL=10k
  STORE_DIR=$BUILD/bench-data/generic-$STORE_LABEL
  if [[ ! -s "$STORE_DIR/ingested" ]]; then
    echo "# no complete $STORE_LABEL store in $STORE_DIR: running tools/bench/ingest_generic/run ${1:-}"
    CX_BENCH_BUILD=$BUILD tools/bench/ingest_generic/run ${1:+"$1"}
  fi
  [[ -s "$STORE_DIR/ingested" ]] || { echo "no $STORE_LABEL store in $STORE_DIR" >&2; return 1; }
}
