#!/usr/bin/env bash
# Deploys (or updates) the Swarm stack with a config name versioned by the
# content of app_config.json, so an edited config rolls the app instead of
# failing (Swarm configs are immutable).
#   OHLCV_IMAGE=... OHLCV_HOST=... ACME_EMAIL=... deploy/swarm/deploy.sh [STACK]
# Secrets: OHLCV_SECRETS_VERSION (default v1) picks ohlcv_<name>_<version>.
set -euo pipefail
DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${OHLCV_IMAGE:?set OHLCV_IMAGE (the image deploy/build-push.sh pushed)}"
: "${OHLCV_HOST:?set OHLCV_HOST (the public host name)}"
OHLCV_CONFIG_VERSION=$(sha256sum "$DIR/app_config.json" | cut -c1-12)
export OHLCV_CONFIG_VERSION OHLCV_SECRETS_VERSION=${OHLCV_SECRETS_VERSION:-v1}
docker stack deploy --with-registry-auth -c "$DIR/docker-stack.yml" "${1:-ohlcv}"
echo "deployed with app_config ohlcv_app_config_$OHLCV_CONFIG_VERSION, secrets $OHLCV_SECRETS_VERSION"
echo "old configs stay until removed: docker config ls --filter name=ohlcv_app_config_"
