# ChromaDB server from npm (chromadb 3.0.14 + native bindings 1.0.5), for
# machines that cannot pull chromadb/chroma. Same HTTP API (v2, heartbeat at
# /api/v2/heartbeat), same port 8000 and /data volume as the upstream image, so
# docker-compose.ci.yml only swaps the image. Bindings 1.0.6+ need a newer
# glibc than Debian 12's (see scripts/chroma-setup.sh).
#
# When the build context has chroma/node_modules (scripts/chroma-setup.sh run
# on the host with OHLCV_CHROMA_DIR=<context>/chroma, as deploy-proof.sh does)
# those packages are used; otherwise npm installs them here.
ARG BASE_IMAGE=debian:12
FROM ${BASE_IMAGE}
ARG DEBIAN_FRONTEND=noninteractive
COPY . /tmp/ctx/
WORKDIR /opt/chroma
# Debian's npm drags in ~400 packages; it is installed only when needed.
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs ca-certificates bash \
 && if [ -d /tmp/ctx/chroma/node_modules ]; then \
      cp -a /tmp/ctx/chroma/node_modules /tmp/ctx/chroma/package.json /opt/chroma/; \
    else \
      apt-get install -y --no-install-recommends npm \
      && echo '{"name":"chroma-server","private":true}' > package.json \
      && npm install --no-audit --no-fund --save-exact \
           chromadb@3.0.14 chromadb-js-bindings-linux-x64-gnu@1.0.5; \
    fi \
 && rm -rf /tmp/ctx /var/lib/apt/lists/* \
 && node node_modules/chromadb/dist/cli.mjs run --help > /dev/null \
 && mkdir -p /data && chown 1000:1000 /data
USER 1000:1000
VOLUME ["/data"]
EXPOSE 8000
CMD ["node", "node_modules/chromadb/dist/cli.mjs", "run", "--path", "/data", "--host", "0.0.0.0", "--port", "8000"]
