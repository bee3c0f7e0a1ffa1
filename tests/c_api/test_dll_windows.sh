#!/usr/bin/env bash
# lumen.dll from the outside (Windows cross build, run under Wine):
#  - it exports the C API's lumen_* functions and nothing else;
#  - it needs no MinGW runtime DLL (libstdc++, libgcc, winpthread, libgomp are inside);
#  - the C example linked against its import library streams the greedy story.
# $1 = lumen.dll, $2 = objdump for PE files, $3 = model, $4... = the example's command.
set -uo pipefail
DLL="$1"; OBJDUMP="$2"; MODEL="$3"; shift 3
fails=0; passes=0
ok() { passes=$((passes+1)); }
bad() { echo "FAIL: $*"; fails=$((fails+1)); }

dump="$("$OBJDUMP" -p "$DLL")" || { echo "FAIL: $OBJDUMP -p $DLL"; exit 1; }
# The export table's name list: lines "[ordinal] name" after "[Ordinal/Name Pointer] Table".
exported="$(sed -n '/\[Ordinal\/Name Pointer\] Table/,/^$/p' <<< "$dump" | sed -n 's/^[[:space:]]*\[ *[0-9]*\] //p')"
[ "$(wc -l <<< "$exported")" -ge 40 ] && ok || bad "only $(wc -l <<< "$exported") exports: $exported"
others="$(grep -v '^lumen_' <<< "$exported" || true)"
[ -z "$others" ] && ok || bad "non-lumen_ symbols exported: $(head -c 300 <<< "$others")"
grep -qx lumen_chat_reply <<< "$exported" && ok || bad "lumen_chat_reply not exported"
grep -qx lumen_model_load_fd <<< "$exported" && ok || bad "lumen_model_load_fd not exported"
imports="$(sed -n 's/^[[:space:]]*DLL Name: //p' <<< "$dump")"
runtime="$(grep -i '^lib' <<< "$imports" || true)"
[ -z "$runtime" ] && ok || bad "lumen.dll needs MinGW runtime DLLs: $runtime"
grep -qix kernel32.dll <<< "$imports" && ok || bad "no KERNEL32.dll import: $imports"

out="$("$@" "$MODEL" "Once upon a time" 0)"; st=$?
[ $st -eq 0 ] && ok || bad "the C example exited with $st"
want=", there was a little girl named Lily. She loved to play outside"
[ "${out#"$want"}" != "$out" ] && ok || bad "the C example's greedy story: got '$out'"

echo "$passes passed, $fails failed"
[ $fails -eq 0 ]
