# bench-lib.sh: what the tools/bench-*.sh scripts share; they source it.
# tools/bench.sh sets BENCH_DB (the 1M-line store), BENCH_REF (seconds
# the sqlite3 shell's .import of the same file took) and BENCH_DIR.

top=$(cd "$(dirname "$0")/.." && pwd)
: "${BENCH_DIR:=$top/build/bench}"
mkdir -p "$BENCH_DIR"
# A bench run alone (not by `make bench`) builds what it runs first.
make -C "$top" --no-print-directory all tools >/dev/null

# bench_last DB [DAYS]: the day of DB's latest order, DAYS before it.
bench_last() {
	sqlite3 "$1" "SELECT date(max(ordered_at) - ${2:-0} * 86400,
	    'unixepoch') FROM orders"
}

# bench_one PROG LABEL TARGET CMD...: times CMD (stdin closed, output to
# $BENCH_DIR/out.csv) and prints one line: wall and CPU seconds, the
# ratio to .import, the target, peak memory, and rows written.
bench_one() {
	prog=$1
	label=$2
	target=$3
	shift 3
	/usr/bin/time -f '%e %M %U %S' -o "$BENCH_DIR/time.out" "$@" \
	    >"$BENCH_DIR/out.csv" 2>/dev/null </dev/null ||
	    { echo "bench: $prog $label failed" >&2; exit 1; }
	awk -v p="$prog" -v l="$label" -v t="$target" -v ref="$BENCH_REF" \
	    -v n="$(($(wc -l <"$BENCH_DIR/out.csv") - 1))" '
	    { printf "%s %s: %.2f s (CPU %.2f s), %.2fx .import (target %s), %.0f MB peak (%d rows)\n",
	      p, l, $1, $3 + $4, (ref > 0 ? $1 / ref : 0), t, $2 / 1024, n }' \
	    "$BENCH_DIR/time.out"
}
