# Files whose paths have non-ASCII characters and spaces (a Windows user's
# "C:\Users\Amaka\Téléchargements\"): load, quantize into, inspect, error messages
# that name them intact. Runs on Linux and, cross-built, under Wine.
# Also: quantized files are byte for byte the Linux build's (hashes in
# tests/data/golden/quantize/), and inspect refuses a truncated file.
source "$(dirname "$0")/lib.sh"
dir="$TMP/Téléchargements dossier"
mkdir -p "$dir"
model="$dir/histoires été.gguf"
cp "$ROOT/models/stories260K.gguf" "$model"

out="$("$LUMEN" run -m "$model" -p "Once upon a time" -n 20 --temp 0 2>/dev/null)"; expect_status "run from a non-ASCII path" $? 0
expect_contains "story from a non-ASCII path" "$out" ", there was a little girl named Lily."

q="$dir/sortie q8 ü.gguf"
"$LUMEN" quantize "$model" "$q" q8_0 >/dev/null 2>"$TMP/log"; expect_status "quantize into a non-ASCII path" $? 0
expect_contains "inspect a non-ASCII path" "$("$LUMEN" inspect "$q" 2>&1)" "general.file_type"
left="$(ls "$dir" | grep -c tmp)"; expect_status "no temporary file left" "$left" 0

# Same bytes as the Linux build: the quantizer is deterministic and portable.
while read -r hash name type; do
  "$LUMEN" quantize "$ROOT/models/stories260K.gguf" "$TMP/$name" "$type" >/dev/null 2>&1
  got="$(sha256sum "$TMP/$name" | cut -d' ' -f1)"
  if [ "$got" = "$hash" ]; then PASSES=$((PASSES + 1)); else echo "FAIL: $name: sha256 $got, Linux gave $hash"; FAILS=$((FAILS + 1)); fi
done < "$ROOT/tests/data/golden/quantize/stories260K.sha256"

err="$("$LUMEN" run -m "$dir/absent é.gguf" -p hi 2>&1)"; expect_status "missing non-ASCII file" $? 1
expect_contains "message names the file intact" "$err" "absent é.gguf: cannot open"

head -c 4000 "$ROOT/models/stories260K.gguf" > "$dir/tronqué.gguf"
err="$("$LUMEN" inspect "$dir/tronqué.gguf" 2>&1)"; expect_status "inspect a truncated file" $? 1
expect_contains "truncated file refused" "$err" "tronqué.gguf"
finish
