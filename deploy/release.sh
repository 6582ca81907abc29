#!/usr/bin/env bash
# Builds Sổ Thôn's release binaries into dist/: static (no cgo), stripped of
# the build machine's paths (-trimpath), build id and checkout state
# (-buildvcs=false), so that the same sources and Go version give the same
# bytes wherever they are built; stamped with the version and the
# commit, which `sothon version` prints. Beside them go the units, the
# Caddyfile and DEPLOY.md, which the guide installs from the release, and
# SHA256SUMS of all. Nothing is published.
#
#   deploy/release.sh            # version from `git describe`, e.g. v0.9.0-3-gabc1234
#   deploy/release.sh v1.0.0     # a version by hand
#   RELEASE_TARGETS=linux/amd64 RELEASE_COMMIT=abc123 deploy/release.sh v1.0.0
#                                # one target, the commit given (a copy without .git)
set -euo pipefail
cd "$(dirname "$0")/.."

version=${1:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
commit=${RELEASE_COMMIT:-$(git rev-parse --short=12 HEAD 2>/dev/null || true)}
read -ra targets <<<"${RELEASE_TARGETS:-linux/amd64 linux/arm64 windows/amd64}"

rm -rf dist && mkdir -p dist
for target in "${targets[@]}"; do
	goos=${target%/*} goarch=${target#*/}
	out=dist/sothon_${version}_${goos}_${goarch}
	[[ $goos == windows ]] && out+=.exe
	CGO_ENABLED=0 GOOS=$goos GOARCH=$goarch \
		go build -trimpath -buildvcs=false -ldflags "-s -w -buildid= -X main.version=$version -X main.commit=$commit" -o "$out" ./cmd/sothon
	echo "built $out"
done
cp deploy/sothon.service deploy/sothon-backup.service deploy/sothon-backup.timer deploy/Caddyfile docs/DEPLOY.md dist/
(cd dist && sha256sum -- * >SHA256SUMS)
cat dist/SHA256SUMS
