#!/usr/bin/env bash
# Builds the app image, pushes it to the registry the operator names, and
# points the Kubernetes overlays at it (their `images:` entry, the one place
# each overlay sets the image; pinned by digest, so IfNotPresent is right):
#   IMAGE=registry.example.com/team/ohlcv-rag:0.2.0 deploy/build-push.sh [OVERLAY...]
# OVERLAY: production and/or staging (default: none, only build and push).
# `docker login` to the registry first. Swarm: OHLCV_IMAGE=<printed ref>
# deploy/swarm/deploy.sh.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
: "${IMAGE:?set IMAGE=REGISTRY/REPOSITORY:TAG}"
[[ "$IMAGE" == *:* && "${IMAGE##*/}" == *:* ]] || { echo "IMAGE needs a tag: $IMAGE" >&2; exit 2; }
repo=${IMAGE%:*}
tag=${IMAGE##*:}
for o in "$@"; do
  [[ -f "$ROOT/deploy/k8s/overlays/$o/kustomization.yaml" ]] || { echo "no overlay $o" >&2; exit 2; }
done
cd "$ROOT"
DOCKER_BUILDKIT=1 docker build -f deploy/docker/Dockerfile \
  --build-arg VERSION="$(git describe --tags --always 2> /dev/null || echo "$tag")" \
  --build-arg COMMIT="$(git rev-parse --short=12 HEAD 2> /dev/null || echo unknown)" \
  -t "$IMAGE" .
docker push "$IMAGE"
ref=$(docker image inspect -f '{{range .RepoDigests}}{{println .}}{{end}}' "$IMAGE" | grep -m1 "^$repo@") ||
  { echo "no digest for $IMAGE after the push" >&2; exit 1; }
digest=${ref#*@}
echo "pushed $IMAGE ($digest)"
for o in "$@"; do
  k="deploy/k8s/overlays/$o/kustomization.yaml"
  # The entry `- name: ohlcv-rag` of images: newName, newTag, digest.
  awk -v repo="$repo" -v tag="$tag" -v digest="$digest" '
    /^  - name: ohlcv-rag$/ { print; print "    newName: " repo; print "    newTag: \"" tag "\""; print "    digest: " digest; skip = 1; next }
    skip && /^    (newName|newTag|digest):/ { next }
    { skip = 0; print }' "$k" > "$k.new" && mv "$k.new" "$k"
  echo "overlays/$o: $(kubectl kustomize "deploy/k8s/overlays/$o" | grep -m1 "image: $repo")"
done
