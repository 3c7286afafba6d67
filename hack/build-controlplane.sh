#!/usr/bin/env bash
# Builds the local control plane (kube-apiserver, etcd and a matching kubectl)
# from source into bin/k8s/<version>-<os>-<arch>/, only when a binary is missing.
# No release download is needed: the sources come from the Go module proxy.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
k8s_version=${K8S_VERSION:-1.37.2}
dest=${CONTROLPLANE_DIR:-$root/bin/k8s/$k8s_version-$(go env GOOS)-$(go env GOARCH)}
mkdir -p "$dest"

major=${k8s_version%%.*}
minor=${k8s_version#*.}; minor=${minor%%.*}
ldflags="-s -w -X k8s.io/component-base/version.gitVersion=v$k8s_version \
-X k8s.io/component-base/version.gitMajor=$major -X k8s.io/component-base/version.gitMinor=$minor \
-X k8s.io/component-base/version.gitTreeState=clean"

# progress reads `go build -v` (one compiled package per line) and shows how
# many of the total are done and the time taken: on one line that updates on
# a terminal, every 30 seconds in a log. Anything else go build says (an
# error) passes through.
progress() { # name, total packages, start (seconds)
  local n=0 last=0 line
  while IFS= read -r line; do
    case $line in
    *' '* | *:* | '#'*) echo "$line" >&2; continue ;;
    esac
    n=$((n + 1))
    if [ -t 2 ]; then
      printf '\r  %s: %d of about %d packages compiled, %s' "$1" "$n" "$2" "$(elapsed "$3")" >&2
    elif [ $((SECONDS - last)) -ge 30 ]; then
      last=$SECONDS
      echo "  $1: $n of about $2 packages compiled, $(elapsed "$3")" >&2
    fi
  done
  if [ -t 2 ]; then echo >&2; fi
}

elapsed() { # start (seconds)
  local s=$((SECONDS - $1))
  printf '%dm%02ds' $((s / 60)) $((s % 60))
}

build() { # name, module dir, package
  if [ -x "$dest/$1" ]; then return; fi
  local start=$SECONDS total
  echo "building $1 $k8s_version from source into $dest (first time only)" >&2
  echo "  listing its packages; the first time, the Go module proxy sends their sources" >&2
  total=$(cd "$2" && go list -deps "$3" | wc -l)
  echo "  compiling $total packages ($(elapsed "$start") so far)" >&2
  (cd "$2" && CGO_ENABLED=0 go build -v -trimpath -ldflags "$ldflags" -o "$dest/$1.tmp" "$3" 2>&1 >/dev/null) |
    progress "$1" "$total" "$start"
  mv "$dest/$1.tmp" "$dest/$1"
  echo "  built $1 in $(elapsed "$start")" >&2
}

build etcd "$root/hack/controlplane/etcd" .
build kube-apiserver "$root/hack/controlplane" k8s.io/kubernetes/cmd/kube-apiserver
build kubectl "$root/hack/controlplane" k8s.io/kubernetes/cmd/kubectl
echo "$dest"
