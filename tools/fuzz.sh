#!/bin/sh
# fuzz.sh [name ...]: builds the libFuzzer harnesses tests/fuzz/fuzz_NAME.c
# (all of them by default) with clang and ASan+UBSan, compiling the
# library sources straight into each, then runs them one after another
# for FUZZ_SECONDS each (default 60).  Each starts from the seeds in
# tests/fuzz/corpus/NAME and tests/fuzz/regress/NAME; what it learns is
# kept in build/fuzz/corpus/NAME, crashing inputs in build/fuzz/crashes/.
# Exits 1 if any fuzzer crashed.  A crash found here belongs, once fixed,
# in tests/fuzz/regress/NAME, which tests/unit/fuzz_regress_test.c replays.
#
# Environment: FUZZ_SECONDS (run time per fuzzer), FUZZ_MAXLEN (largest
# input, default 1048576: 1 MiB, the size of the inputs that crashed the
# expression parser and the CSV reader), CC (default clang), FUZZ_FLAGS
# (more libFuzzer flags).
cd "$(dirname "$0")/.." || exit 1
secs=${FUZZ_SECONDS:-60}
maxlen=${FUZZ_MAXLEN:-1048576}
cc=${CC:-clang}
case $cc in cc|gcc*) cc=clang ;; esac
out=build/fuzz

# Tries to link a trivial fuzzer: clang and its fuzzer runtime are there.
can_fuzz() {
	command -v "$cc" >/dev/null 2>&1 || return 1
	printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
	    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
	    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)' \
	    '{ (void)d; (void)n; return 0; }' >"$out/probe.c"
	"$cc" -fsanitize=fuzzer,address,undefined -o "$out/probe" \
	    "$out/probe.c" >/dev/null 2>&1
}

mkdir -p "$out"
if ! can_fuzz; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "fuzz: installing clang libclang-rt-14-dev" >&2
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq >&2 &&
		    apt-get install -y -qq clang libclang-rt-14-dev >&2
	fi
	if ! can_fuzz; then
		echo "fuzz: need clang with its fuzzer runtime; install them" \
		    "with:" >&2
		echo "  sudo apt-get install clang libclang-rt-14-dev" >&2
		exit 1
	fi
fi

if [ $# -eq 0 ]; then
	for f in tests/fuzz/fuzz_*.c; do
		f=${f#tests/fuzz/fuzz_}
		set -- "$@" "${f%.c}"
	done
fi
# The libraries the Makefile builds with (its PKGS line), and libcsv.
pkgs=$(sed -n 's/^PKGS[[:space:]]*=[[:space:]]*//p' Makefile)
pkgflags=$(pkg-config --cflags $pkgs 2>/dev/null)
pkglibs=$(pkg-config --libs $pkgs 2>/dev/null)
rval=0
summary=""
for name in "$@"; do
	src=tests/fuzz/fuzz_$name.c
	if [ ! -f "$src" ]; then
		echo "fuzz: no such fuzzer: $src" >&2
		exit 2
	fi
	echo "fuzz: building $out/fuzz_$name" >&2
	# shellcheck disable=SC2086
	"$cc" -g -O1 -fno-omit-frame-pointer \
	    -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=undefined \
	    -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	    -D_GNU_SOURCE -Isrc/lib -Isrc $pkgflags -o "$out/fuzz_$name" \
	    "$src" src/*/*.c -lcsv $pkglibs -lm -pthread || exit 1

	corpus=$out/corpus/$name
	crashes=$out/crashes/$name
	mkdir -p "$corpus" "$crashes"
	dict=""
	[ -f "tests/fuzz/$name.dict" ] && dict="-dict=tests/fuzz/$name.dict"
	seeds=""
	for d in tests/fuzz/corpus/$name tests/fuzz/regress/$name; do
		[ -d "$d" ] && seeds="$seeds $d"
	done
	log=$out/$name.log
	touch "$out/$name.stamp"
	echo "fuzz: running fuzz_$name for ${secs}s (log $log)" >&2
	# shellcheck disable=SC2086
	"$out/fuzz_$name" -max_total_time="$secs" -max_len="$maxlen" \
	    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$crashes/" $dict $FUZZ_FLAGS \
	    "$corpus" $seeds >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" |
	    tail -n 1)
	found=$(find "$crashes" -type f -newer "$out/$name.stamp" | wc -l)
	line="fuzz_$name: ${execs:-?} runs in ${secs}s, exit $rc, $found new in $crashes"
	echo "$line" >&2
	summary="$summary$line
"
	if [ "$rc" -ne 0 ] || [ "$found" -ne 0 ]; then
		grep -E 'ERROR|invariant|SUMMARY|runtime error' "$log" |
		    head -n 20 >&2
		rval=1
	fi
done
printf '%s' "$summary"
exit $rval
