# PostgreSQL for the proofs on a machine without a registry
# (docker-compose.ci.yml, deploy/swarm/docker-stack.ci.yml), in place of the
# official postgres image: Debian's postgresql-15 on the local base image,
# with an entrypoint that honours the official image's POSTGRES_USER,
# POSTGRES_DB, POSTGRES_PASSWORD(_FILE) and PGDATA on first start.
ARG BASE_IMAGE=debian:12
FROM ${BASE_IMAGE}
ARG DEBIAN_FRONTEND=noninteractive
# uid/gid 999 as in the official image: the stacks hand the db_password
# secret to uid 999 with mode 0400, and Debian's package would otherwise
# create postgres as uid 100, which cannot read it (the entrypoint then
# exited at every start and the replicas waited for PostgreSQL forever).
RUN groupadd --system --gid 999 postgres \
 && useradd --system --uid 999 --gid postgres --home-dir /var/lib/postgresql --no-create-home \
      --shell /bin/bash postgres \
 && apt-get update \
 && apt-get install -y --no-install-recommends postgresql-15 \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /var/lib/postgresql/data /var/run/postgresql \
 && chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql
COPY postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint.sh
ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data
USER postgres
EXPOSE 5432
ENTRYPOINT ["/usr/local/bin/postgres-entrypoint.sh"]
