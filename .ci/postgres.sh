#!/usr/bin/env bash
# Start a local PostgreSQL for the storage tests and print its SQLAlchemy URL as the only stdout line.
#
# CI runs as root on Debian 12 in a container without systemd, so we drive Debian's own cluster tools
# (pg_createcluster / pg_ctlcluster), which work without an init system and survive being re-run.
# Usage: export LOTSENBOT_TEST_PG_URL="$(bash .ci/postgres.sh)"; bash .ci/postgres.sh --stop at the end.
set -euo pipefail

PG_ROLE=lotsenbot
PG_PASSWORD=lotsenbot
PG_DATABASE=lotsenbot_test
PG_PORT=5432
PG_CLUSTER=main

# Keep the real stdout on fd 3 for the URL; everything else (apt, pg tools, our notes) goes to stderr.
exec 3>&1 1>&2

log() { echo "postgres.sh: $*" >&2; }

if [[ "${1:-}" == --stop ]]; then
    for cluster in $(pg_lsclusters --no-header 2>/dev/null | awk -v c="${PG_CLUSTER}" '$2 == c && $4 == "online" { print $1 }'); do
        log "stopping cluster ${cluster}/${PG_CLUSTER}"
        pg_ctlcluster "${cluster}" "${PG_CLUSTER}" stop 3>&-
    done
    exit 0
fi

installed_version() {
    # Newest server version whose binaries are present, e.g. "15"; empty if none.
    local dir
    dir=$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/postgres' 2>/dev/null \
        | sed -E 's#^/usr/lib/postgresql/([^/]+)/bin/postgres$#\1#' | sort -V | tail -n 1)
    echo "${dir}"
}

PG_VERSION=$(installed_version)
if [[ -z "${PG_VERSION}" ]] || ! command -v pg_ctlcluster >/dev/null; then
    log "installing PostgreSQL from Debian packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q postgresql
    PG_VERSION=$(installed_version)
    [[ -n "${PG_VERSION}" ]] || { log "no PostgreSQL server binaries after install"; exit 1; }
fi
log "using PostgreSQL ${PG_VERSION}"

# /run is often a fresh tmpfs in containers; the socket directory must exist before the server starts.
install -d -o postgres -g postgres -m 2775 /var/run/postgresql

cluster_field() {
    # Print column $1 (3 = port, 4 = status) of our cluster's pg_lsclusters line; empty if there is none.
    pg_lsclusters --no-header | awk -v v="${PG_VERSION}" -v c="${PG_CLUSTER}" -v f="$1" \
        '$1 == v && $2 == c { print $f }'
}

if [[ -z "$(cluster_field 3)" ]]; then
    log "creating cluster ${PG_VERSION}/${PG_CLUSTER} on port ${PG_PORT}"
    pg_createcluster "${PG_VERSION}" "${PG_CLUSTER}" --port "${PG_PORT}" 3>&-
fi

if [[ "$(cluster_field 3)" != "${PG_PORT}" ]]; then
    log "moving cluster ${PG_VERSION}/${PG_CLUSTER} to port ${PG_PORT}"
    if [[ "$(cluster_field 4)" == online ]]; then
        pg_ctlcluster "${PG_VERSION}" "${PG_CLUSTER}" stop 3>&-
    fi
    pg_conftool "${PG_VERSION}" "${PG_CLUSTER}" set port "${PG_PORT}"
fi

if [[ "$(cluster_field 4)" != online ]]; then
    log "starting cluster ${PG_VERSION}/${PG_CLUSTER}"
    # 3>&- : the server daemon must not inherit the pipe of the caller's $(...), or that never ends.
    pg_ctlcluster "${PG_VERSION}" "${PG_CLUSTER}" start 3>&- </dev/null
fi

for _ in $(seq 1 60); do
    if pg_isready -q -h 127.0.0.1 -p "${PG_PORT}"; then
        break
    fi
    sleep 0.5
done
pg_isready -h 127.0.0.1 -p "${PG_PORT}" >&2 || {
    log "PostgreSQL does not accept connections on 127.0.0.1:${PG_PORT}"
    tail -n 40 "/var/log/postgresql/postgresql-${PG_VERSION}-${PG_CLUSTER}.log" >&2 || true
    exit 1
}

# Idempotent role and database setup; runs over the Unix socket with peer auth as the postgres user.
# CREATEDB lets test fixtures create throwaway databases if they ever need more than one.
(
    cd /
    runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "${PG_PORT}" -d postgres <<SQL
DO \$\$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${PG_ROLE}') THEN
        CREATE ROLE ${PG_ROLE} LOGIN CREATEDB PASSWORD '${PG_PASSWORD}';
    ELSE
        ALTER ROLE ${PG_ROLE} LOGIN CREATEDB PASSWORD '${PG_PASSWORD}';
    END IF;
END
\$\$;
SELECT 'CREATE DATABASE ${PG_DATABASE} OWNER ${PG_ROLE}'
    WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '${PG_DATABASE}')\gexec
ALTER DATABASE ${PG_DATABASE} OWNER TO ${PG_ROLE};
SQL
)

log "ready: database ${PG_DATABASE} owned by ${PG_ROLE} on 127.0.0.1:${PG_PORT}"
echo "postgresql+asyncpg://${PG_ROLE}:${PG_PASSWORD}@127.0.0.1:${PG_PORT}/${PG_DATABASE}" >&3
