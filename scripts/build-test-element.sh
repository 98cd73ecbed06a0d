#!/usr/bin/env bash
# Builds the kvssink test element (test/fixtures/kvssink) into OUTDIR, by default
# build-test-element/ in the repository (outside build/, which node-gyp rebuild deletes),
# when a source is newer than the library.
# Prints the output directory on its last line; everything else goes to stderr.
#
# Usage: bash scripts/build-test-element.sh [OUTDIR]
# Use the result only through GST_PLUGIN_PATH=OUTDIR and GST_REGISTRY=OUTDIR/registry.bin:
# the element registers as "kvssink".
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source_dir="$repo_root/test/fixtures/kvssink"
out_dir="${1:-$repo_root/build-test-element}"
packages=(gstreamer-1.0 gstreamer-base-1.0)

mkdir -p "$out_dir"
out_dir="$(cd "$out_dir" && pwd)"
library="$out_dir/libgstkvssinktest.so"

needs_build() {
  [[ ! -f "$library" ]] && return 0
  [[ "${BASH_SOURCE[0]}" -nt "$library" ]] && return 0
  [[ -n "$(find "$source_dir" -name '*.[ch]' -newer "$library" -print -quit)" ]]
}

check_tools() {
  local missing=()
  command -v cc >/dev/null || missing+=("a C compiler (cc): install build-essential")
  command -v pkg-config >/dev/null || missing+=("pkg-config: install pkg-config")
  if command -v pkg-config >/dev/null && ! pkg-config --exists "${packages[@]}"; then
    missing+=("GStreamer development files: install libgstreamer1.0-dev and" \
      "libgstreamer-plugins-base1.0-dev (scripts/install-deps.sh)")
  fi
  if ((${#missing[@]} > 0)); then
    printf 'build-test-element: missing %s\n' "${missing[@]}" >&2
    exit 1
  fi
}

if needs_build; then
  check_tools
  # shellcheck disable=SC2207 # pkg-config output is a list of words.
  flags=($(pkg-config --cflags --libs "${packages[@]}"))
  # Build to a temporary name and rename, so a concurrent GStreamer scan never loads half a file.
  temporary="$library.$$.tmp"
  echo "build-test-element: compiling $library" >&2
  cc -Wall -Wextra -Werror -O2 -fPIC -shared -o "$temporary" "$source_dir"/*.c "${flags[@]}"
  mv -f "$temporary" "$library"
fi

echo "$out_dir"
