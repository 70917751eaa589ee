#!/usr/bin/env bash
# Provisions PostgreSQL 15 with the pgvector extension on a Debian 12 machine and starts it.
# Idempotent: each step is skipped when its result is already there.
#
#   bash scripts/provision-postgres.sh     (as root)
#
# pgvector is not packaged for Debian 12, but Debian's own source package (from the trixie
# suite) builds against PostgreSQL 15. A private sources list keeps the system's apt setup as it is.
set -euo pipefail
PG_MAJOR="${PG_MAJOR:-15}"
log() { echo "[memory/provision] $*" >&2; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then as_root apt-get update -qq >/dev/null; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# 1. The server itself.
if [ ! -x "/usr/lib/postgresql/$PG_MAJOR/bin/postgres" ]; then
  log "installing postgresql-$PG_MAJOR"
  apt_install "postgresql-$PG_MAJOR"
fi

# 2. pgvector, built from Debian's source package.
sharedir="$(/usr/lib/postgresql/$PG_MAJOR/bin/pg_config --sharedir 2>/dev/null || echo /usr/share/postgresql/$PG_MAJOR)"
if [ ! -f "$sharedir/extension/vector.control" ]; then
  log "building pgvector from Debian's source package"
  [ -x "/usr/lib/postgresql/$PG_MAJOR/bin/pg_config" ] && [ -d "/usr/include/postgresql/$PG_MAJOR/server" ] \
    || apt_install "postgresql-server-dev-$PG_MAJOR"
  command -v make >/dev/null && command -v gcc >/dev/null || apt_install build-essential
  command -v dpkg-source >/dev/null || apt_install dpkg-dev
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work/lists/partial"
  echo "deb-src http://deb.debian.org/debian trixie main" > "$work/sources.list"
  apt_opts=(-o "Dir::Etc::sourcelist=$work/sources.list" -o "Dir::Etc::sourceparts=/dev/null" -o "Dir::State::Lists=$work/lists")
  as_root apt-get "${apt_opts[@]}" update -qq >/dev/null
  (cd "$work" && apt-get "${apt_opts[@]}" source --download-only pgvector >/dev/null 2>&1)
  dsc="$(ls "$work"/pgvector_*.dsc | head -n1)"
  (cd "$work" && dpkg-source -x --no-check "$dsc" src >/dev/null)
  make -C "$work/src" -s PG_CONFIG="/usr/lib/postgresql/$PG_MAJOR/bin/pg_config" >/dev/null
  as_root make -C "$work/src" -s PG_CONFIG="/usr/lib/postgresql/$PG_MAJOR/bin/pg_config" install >/dev/null
  log "pgvector $(sed -n "s/^default_version = '\(.*\)'/\1/p" "$sharedir/extension/vector.control") installed"
fi

# 3. A running cluster.
if ! pg_lsclusters -h 2>/dev/null | awk -v v="$PG_MAJOR" '$1==v && $2=="main"' | grep -q .; then
  log "creating cluster $PG_MAJOR/main"
  as_root pg_createcluster "$PG_MAJOR" main >/dev/null
fi
if ! pg_lsclusters -h | awk -v v="$PG_MAJOR" '$1==v && $2=="main" {print $4}' | grep -q online; then
  log "starting cluster $PG_MAJOR/main"
  as_root pg_ctlcluster --skip-systemctl-redirect "$PG_MAJOR" main start
fi

# 4. Trust auth on loopback for the test user (the machines here start it that way already).
for i in $(seq 1 30); do
  if as_root su postgres -c "psql -qAtc 'select 1'" >/dev/null 2>&1; then break; fi
  sleep 1
done
if ! psql -h 127.0.0.1 -U postgres -qAtc 'select 1' >/dev/null 2>&1; then
  log "allowing trust auth for local test connections on 127.0.0.1"
  hba="$(as_root su postgres -c "psql -qAtc 'show hba_file'")"
  as_root sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
  as_root su postgres -c "psql -qAtc 'select pg_reload_conf()'" >/dev/null
fi
psql -h 127.0.0.1 -U postgres -qAtc "select 'postgres ' || current_setting('server_version') || ', pgvector available: ' || (select default_version from pg_available_extensions where name='vector')" >&2
