#!/bin/sh
# Installs what crmkit needs to build and test on Debian, when it is
# missing: apt-get when run as root, else the exact command to run.
pkgs=""
have_header() { [ -f "/usr/include/$1" ]; }
have_header csv.h || pkgs="$pkgs libcsv-dev"
have_header sqlite3.h || pkgs="$pkgs libsqlite3-dev"
have_header utf8proc.h || pkgs="$pkgs libutf8proc-dev"
have_header zip.h || pkgs="$pkgs libzip-dev"
have_header expat.h || pkgs="$pkgs libexpat1-dev"
have_header xlsxwriter.h || pkgs="$pkgs libxlsxwriter-dev"
command -v pkg-config >/dev/null 2>&1 || pkgs="$pkgs pkg-config"
command -v sqlite3 >/dev/null 2>&1 || pkgs="$pkgs sqlite3"
/usr/bin/python3 -c "import openpyxl" >/dev/null 2>&1 || pkgs="$pkgs python3-openpyxl"
[ -x /usr/bin/time ] || pkgs="$pkgs time"
command -v mandoc >/dev/null 2>&1 || pkgs="$pkgs mandoc"
[ -f /usr/share/zoneinfo/Asia/Taipei ] || pkgs="$pkgs tzdata"
command -v cc >/dev/null 2>&1 || pkgs="$pkgs gcc libc6-dev"
[ -z "$pkgs" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "deps: installing$pkgs" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2 && apt-get install -y -qq $pkgs >&2 && exit 0
	echo "deps: apt-get failed" >&2
	exit 1
fi
echo "deps: missing$pkgs; install them with:" >&2
echo "  sudo apt-get install$pkgs" >&2
exit 1
