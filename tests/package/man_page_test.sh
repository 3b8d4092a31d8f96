#!/usr/bin/env bash
# docs/man/tether.1 stays in step with the binary: every subcommand `tether --help` lists has
# an entry in the man page's COMMANDS, every flag the man page's synopsis shows is accepted by
# that subcommand's --help, and groff renders the page without warnings.
# usage: man_page_test.sh TETHER_BIN SOURCE_DIR
set -euo pipefail
tether=$1
page="$2/docs/man/tether.1"
fail() { echo "FAIL: $*" >&2; exit 1; }

groff -man -Tutf8 -ww -z "$page" 2>&1 | { ! grep .; } || fail "groff warnings"

commands="$("$tether" --help | awk '/^Subcommands:/ { on = 1; next } on && NF { print $1 }')"
[[ -n "$commands" ]] || fail "no subcommands in tether --help"
for c in $commands; do
  grep -qx "\.B $c" "$page" || fail "the man page has no COMMANDS entry for '$c'"
done

# Flags in the SYNOPSIS, per command line (".B tether CMD" followed by .RB option lines).
awk '/^\.SH SYNOPSIS/ { on = 1; next } /^\.SH/ { on = 0 } on' "$page" |
  awk '/^\.B tether / { cmd = $3 } { while (match($0, /\\-\\-[a-z-]+/)) {
         flag = substr($0, RSTART, RLENGTH); gsub(/\\/, "", flag); print cmd, flag
         $0 = substr($0, RSTART + RLENGTH) } }' | sort -u |
  while read -r cmd flag; do
    help="$("$tether" "$cmd" --help 2>&1)"
    [[ "$cmd" == fleet ]] && help="$("$tether" fleet status --help 2>&1)"
    grep -q -- "$flag" <<<"$help" || fail "man page shows '$cmd $flag', tether $cmd --help lacks it"
  done
echo "PASS: $(wc -w <<<"$commands") commands"
