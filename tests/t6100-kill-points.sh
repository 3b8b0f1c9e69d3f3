#!/bin/sh
# A write cut short at any moment must leave the store whole and either
# exactly as it was or exactly as the finished run leaves it.  An
# LD_PRELOAD shim (tests/tools/killshim.c, compiled here) counts the
# calls that change the store's files (write, pwrite, fsync, fdatasync,
# ftruncate, unlink on the store, -wal, -shm, -journal) in a run that is
# let finish, then the run is repeated from the same state and killed
# with SIGKILL at call N, for every N (or, when there are many, a sample
# that always holds the calls around each sync, truncation and unlink:
# the commit and the WAL checkpoint).  After each kill: integrity_check
# is ok, foreign_key_check is empty, the store is the one before or the
# one after, and running the command again finishes the work.
test_description='kill -9 at every write around the commit'
. "$(dirname "$0")/test-lib.sh"

gen=$SRC_DIR/build/plain/gen-orders
PB=$DATA/playbook-timeline.playbook

if cc -shared -fPIC -o "$TRASH/killshim.so" "$TEST_DIR/tools/killshim.c" \
    -ldl >"$TRASH/cc.err" 2>&1; then
	test_set_prereq SHIM
else
	say "# the shim does not compile:"
	sed 's/^/#   /' "$TRASH/cc.err"
fi
# A sanitizer build wants its runtime first among the libraries loaded.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
export ASAN_OPTIONS

# shim DB AT CMD...: runs CMD with the shim watching store DB: AT 0 logs
# every counted call to ./calls (one line each: "N call file"), AT N
# kills the command at the Nth call.
shim() {
	_db=$1 _at=$2
	shift 2
	if [ "$_at" = 0 ]; then
		rm -f calls
		env CRM_KILL_DB="$_db" CRM_KILL_LOG="$TRASH/calls" \
		    LD_PRELOAD="$TRASH/killshim.so" "$@"
	else
		env CRM_KILL_DB="$_db" CRM_KILL_AT="$_at" \
		    LD_PRELOAD="$TRASH/killshim.so" "$@"
	fi
}

# points CALLS: the call numbers to kill at.  Every one up to 100 calls;
# beyond, every 32nd, the first and last 3, and 2 either side of every
# sync, truncation and unlink (the commit's last frame is the write
# before the WAL's sync, the checkpoint is the syncs and what they
# enclose, then the WAL's unlink).
points() {
	awk -v max=100 '
	{ n = $1; kind[n] = $2 }
	END {
		if (n <= max) {
			for (i = 1; i <= n; i++)
				print i
			exit
		}
		for (i = 1; i <= n; i++) {
			k = kind[i]
			if (i <= 3 || i > n - 3 || i % 32 == 0)
				pick[i] = 1
			if (k ~ /sync|truncate|unlink/)
				for (j = i - 2; j <= i + 2; j++)
					if (j >= 1 && j <= n)
						pick[j] = 1
		}
		for (i = 1; i <= n; i++)
			if (pick[i])
				print i
	}' "$1"
}

# state DB: integrity_check and foreign_key_check (one line, "ok", when
# the store is whole), then the content a run may change in a fixed
# order, without the times a run stamps (imports, added_at, created_at).
# Read-only: a killed run's WAL stays for the run again to find.
state() {
	sqlite3 -readonly -batch -noheader "$1" "
	SELECT group_concat(integrity_check, ' ') FROM pragma_integrity_check;
	PRAGMA foreign_key_check;
	SELECT 'customer', * FROM customers ORDER BY id;
	SELECT 'identity', * FROM identities ORDER BY kind, channel, value;
	SELECT 'order', * FROM orders ORDER BY id;
	SELECT 'item', * FROM order_items ORDER BY order_id, line;
	SELECT 'product', * FROM products ORDER BY id;
	SELECT 'merge', * FROM merges ORDER BY id;
	SELECT 'stats', * FROM customer_stats ORDER BY customer_id;
	SELECT 'tag', tag, customer_id, source FROM tags
	    ORDER BY tag, customer_id;
	SELECT 'contact', playbook, step, day, customer_id, template,
	    coupon_code, threshold, discount, discount_pct, expires_day, grp
	    FROM contacts ORDER BY id"
}

# kill_points NAME BASE EVERY CMD...: the loop.  BASE.db is the state
# before; CMD (naming the store @DB@) is run to the end on a copy, to
# log its calls and keep its output in out.expect and the state after in
# after.state; then, for each kill point, on a fresh copy killed there:
# the store is whole and before or after, and (after every EVERYth kill)
# CMD run again on it gives out.expect and the state after.  Writes
# "# NAME: K kills (B before, A after) of C calls, R runs again" to
# NAME.points.
kill_points() {
	_name=$1 _base=$2 _every=$3
	shift 3
	_cmd=$(printf '%s\n' "$*" | sed 's/@DB@/k.db/g') &&
	rm -f k.db k.db-wal k.db-shm &&
	cp "$_base.db" k.db && state k.db >before.state &&
	test "$(head -n 1 before.state)" = ok &&
	eval "shim k.db 0 $_cmd" >out.expect 2>/dev/null &&
	state k.db >after.state &&
	! cmp -s before.state after.state &&
	_calls=$(wc -l <calls) && test "$_calls" -gt 10 &&
	points calls >todo &&
	_b=0 _a=0 _i=0 &&
	for _n in $(cat todo); do
		_i=$((_i + 1))
		rm -f k.db k.db-wal k.db-shm && cp "$_base.db" k.db || return 1
		eval "shim k.db $_n $_cmd" >/dev/null 2>&1
		_rc=$?
		if [ $_rc -ne 137 ]; then
			say "call $_n: exit $_rc, not killed"
			return 1
		fi
		state k.db >now || return 1
		if cmp -s now before.state; then
			_b=$((_b + 1))
		elif cmp -s now after.state; then
			_a=$((_a + 1))
		else
			say "call $_n of $_calls: neither before nor after:"
			diff before.state now | head -n 20
			return 1
		fi
		[ $((_i % _every)) = 0 ] || continue
		eval "$_cmd" >out.again 2>/dev/null &&
		test_cmp out.expect out.again &&
		state k.db >now && test_cmp after.state now || {
			say "call $_n of $_calls: the run again did not finish it"
			return 1
		}
	done &&
	say "# $_name: $_i kills ($_b before, $_a after) of $_calls calls," \
	    "$((_i / _every)) runs again" >"$_name.points" &&
	# Both sides of the commit were hit.
	test $_b -gt 0 && test $_a -gt 0
}

test_expect_success SHIM 'the stores before' '
	"$gen" -s 3 -n 120 --id-prefix A >a.csv &&
	"$gen" -s 4 -n 80 --id-prefix B --first-customer 15 >b.csv &&
	"$gen" -s 5 -n 1500 --id-prefix C --first-customer 10 >c.csv &&
	crm-import -q --db imp.db a.csv &&
	cp imp.db seg.db &&
	crm-segment -q --db seg.db --as-of 2025-12-31 --save vip \
	    "orders >= 2" >/dev/null &&
	crm-import -q --db pb.db "$DATA/playbook-orders1.csv" &&
	for d in 01 02 03; do
		crm-playbook run -q --db pb.db --lost-after 90 \
		    --date 2024-03-$d "$PB" >/dev/null || return 1
	done &&
	for db in imp seg pb; do
		test "$(sql $db.db "PRAGMA journal_mode")" = wal &&
		test ! -f $db.db-wal || return 1
	done
'

test_expect_success SHIM 'crm-import of a small file, killed at every call' '
	kill_points import-small imp 3 crm-import -q --db @DB@ b.csv
'
cat import-small.points 2>/dev/null

test_expect_success SHIM 'crm-import of a larger file, killed at sampled calls' '
	kill_points import-large imp 3 crm-import -q --db @DB@ c.csv
'
cat import-large.points 2>/dev/null

test_expect_success SHIM 'crm-segment --save, killed at every call' '
	kill_points segment-save seg 1 crm-segment -q --db @DB@ \
	    --as-of 2025-12-31 --save vip "\"orders >= 1 and spent >= 2000\""
'
cat segment-save.points 2>/dev/null

test_expect_success SHIM 'crm-playbook run of a day, killed at every call' '
	kill_points playbook-run pb 1 crm-playbook run -q --db @DB@ \
	    --lost-after 90 --date 2024-03-04 "$PB" &&
	test "$(wc -l <out.expect)" -gt 1
'
cat playbook-run.points 2>/dev/null

test_done
