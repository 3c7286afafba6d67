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

build() { # name, module dir, package
  if [ -x "$dest/$1" ]; then return; fi
  echo "building $1 into $dest (first time only; kube-apiserver takes about 5 minutes)" >&2
  (cd "$2" && CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$dest/$1.tmp" "$3")
  mv "$dest/$1.tmp" "$dest/$1"
}

build etcd "$root/hack/controlplane/etcd" .
build kube-apiserver "$root/hack/controlplane" k8s.io/kubernetes/cmd/kube-apiserver
build kubectl "$root/hack/controlplane" k8s.io/kubernetes/cmd/kubectl
echo "$dest"
