# example.sh: what the example scripts share, sourced by them.
#
# example_store NAME: puts bin/ first in PATH, makes a fresh store
# $EXAMPLE_DIR/NAME.db (default build/examples) as CRM_DB, imports
# examples/orders.csv into it, and changes to EXAMPLE_DIR.
# run COMMAND: prints the command after a '$', then runs it, so that the
# output reads as a manual page's EXAMPLES.

example_store() {
	cd "$(dirname "$0")/.." || exit 1
	top=$(pwd)
	PATH="$top/bin:$PATH"
	: "${EXAMPLE_DIR:=$top/build/examples}"
	mkdir -p "$EXAMPLE_DIR"
	export CRM_DB="$EXAMPLE_DIR/$1.db"
	rm -f "$CRM_DB" "$CRM_DB-wal" "$CRM_DB-shm"
	crm-import -q examples/orders.csv
	cd "$EXAMPLE_DIR" || exit 1
}

run() {
	printf '$ %s\n' "$1"
	sh -c "$1"
}
