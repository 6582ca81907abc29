#!/usr/bin/env bash
# Builds Sổ Thôn's release binaries into dist/: static (no cgo), stripped of
# the build machine's paths (-trimpath) and build id, so that the same commit
# and Go version give the same bytes; stamped with the version and the
# commit, which `sothon version` prints. Nothing is published.
#
#   deploy/release.sh            # version from `git describe`, e.g. v0.9.0-3-gabc1234
#   deploy/release.sh v1.0.0     # a version by hand
set -euo pipefail
cd "$(dirname "$0")/.."

version=${1:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
commit=$(git rev-parse --short=12 HEAD 2>/dev/null || true)
targets=(linux/amd64 linux/arm64 windows/amd64)

rm -rf dist && mkdir -p dist
for target in "${targets[@]}"; do
	goos=${target%/*} goarch=${target#*/}
	out=dist/sothon_${version}_${goos}_${goarch}
	[[ $goos == windows ]] && out+=.exe
	CGO_ENABLED=0 GOOS=$goos GOARCH=$goarch \
		go build -trimpath -ldflags "-s -w -buildid= -X main.version=$version -X main.commit=$commit" -o "$out" ./cmd/sothon
	echo "built $out"
done
(cd dist && sha256sum sothon_* >SHA256SUMS)
cat dist/SHA256SUMS
