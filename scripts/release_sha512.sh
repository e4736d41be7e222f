#!/usr/bin/env bash
# Prints the SHA512 of a release tag's source archive as GitHub serves it
# (https://github.com/ringmpsc/ringmpsc/archive/vX.Y.Z.tar.gz): `git archive` of the tag
# with the prefix ringmpsc-X.Y.Z/, compressed by `gzip -n`, reproduces it byte for byte.
# That hash goes into ports/ringmpsc/portfile.cmake (see docs/releasing.md).
#
# Usage: scripts/release_sha512.sh vX.Y.Z [--write]
#   --write  also sets that SHA512 in ports/ringmpsc/portfile.cmake and X.Y.Z as the
#            "version" of ports/ringmpsc/vcpkg.json (in the working tree; commit them).
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { echo "usage: scripts/release_sha512.sh vX.Y.Z [--write]" >&2; exit 2; }
(($# >= 1 && $# <= 2)) || usage
tag="$1"
write=0
if (($# == 2)); then
  [[ "$2" == --write ]] || usage
  write=1
fi
[[ "$tag" =~ ^v([0-9]+\.[0-9]+\.[0-9]+)$ ]] || { echo "release_sha512: '$tag' is not a release tag vX.Y.Z" >&2; exit 2; }
version="${BASH_REMATCH[1]}"

git rev-parse -q --verify "refs/tags/$tag" >/dev/null ||
  { echo "release_sha512: no tag $tag in this repository (git fetch --tags, or create it first)" >&2; exit 1; }

# The tag must name the commit whose version says X.Y.Z, or the archive ships another release.
tagged=$(git show "$tag:CMakeLists.txt" | sed -n 's/^ *VERSION \([0-9.]*\)$/\1/p' | head -n 1)
macro=$(git show "$tag:include/ringmpsc/version.hpp" | sed -n 's/^#define RINGMPSC_VERSION_STRING "\(.*\)"$/\1/p')
if [[ "$tagged" != "$version" || "$macro" != "$version" ]]; then
  echo "release_sha512: $tag names a commit whose CMakeLists.txt says '$tagged' and version.hpp '$macro', not $version" >&2
  exit 1
fi

sha512=$(git archive --format=tar --prefix="ringmpsc-$version/" "$tag" | gzip -n | sha512sum | cut -d' ' -f1)
echo "$sha512"

if ((write)); then
  portfile=ports/ringmpsc/portfile.cmake
  manifest=ports/ringmpsc/vcpkg.json
  [[ $(grep -cE '^ *SHA512 [0-9a-fA-F]+$' "$portfile") == 1 ]] ||
    { echo "release_sha512: $portfile should hold exactly one 'SHA512 <hex>' line" >&2; exit 1; }
  [[ $(grep -cE '^  "version": "[^"]*",$' "$manifest") == 1 ]] ||
    { echo "release_sha512: $manifest should hold exactly one '  \"version\": \"...\",' line" >&2; exit 1; }
  sed -i -E "s/^( *SHA512 )[0-9a-fA-F]+$/\1$sha512/" "$portfile"
  sed -i -E "s/^  \"version\": \"[^\"]*\",$/  \"version\": \"$version\",/" "$manifest"
  echo "release_sha512: wrote the SHA512 to $portfile and version $version to $manifest" >&2
fi
