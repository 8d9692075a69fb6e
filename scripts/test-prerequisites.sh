#!/usr/bin/env bash
# What `npm test` needs besides node_modules, checked (and set up where it can be) before Jest starts:
#   1. the Debian packages listed in .ci/apt-packages.txt (JDK, Ruby, mono, PHP, zeep, chromium… that the
#      tests drive): missing ones are installed when this runs as root or with passwordless sudo; otherwise
#      it stops with one line naming them and the command that installs them;
#   2. Postgres on 127.0.0.1:5432, user postgres, trust auth (or TEST_DATABASE_URL): a local cluster that is
#      down is started with pg_ctlcluster; otherwise it stops with one line saying what is missing.
# Idempotent: `npm test` runs it as `pretest` and .ci/run runs it before `npm ci`.
#
# SKIP_TEST_PREREQUISITES=1 skips every check. For this script's own test only:
#   TEST_PREREQUISITES_PACKAGES_FILE  the package list (default .ci/apt-packages.txt)
#   TEST_PREREQUISITES_DRY_RUN=1      print the apt-get / pg_ctlcluster commands instead of running them
#   TEST_PREREQUISITES_PG_PORT        the local Postgres port (default 5432)
#   TEST_PREREQUISITES_PG_WAIT        seconds to wait for a started cluster (default 30)
set -euo pipefail

say() { printf 'test prerequisites: %s\n' "$*" >&2; }
fail() {
  say "$*"
  exit 1
}

if [ "${SKIP_TEST_PREREQUISITES:-}" = "1" ]; then
  say "skipped (SKIP_TEST_PREREQUISITES=1)"
  exit 0
fi

case "${BASH_SOURCE[0]}" in
  */*) script_dir="${BASH_SOURCE[0]%/*}" ;;
  *) script_dir="." ;;
esac
root="$(cd -- "$script_dir/.." && pwd)"
packages_file="${TEST_PREREQUISITES_PACKAGES_FILE:-$root/.ci/apt-packages.txt}"
dry_run="${TEST_PREREQUISITES_DRY_RUN:-}"
pg_port="${TEST_PREREQUISITES_PG_PORT:-5432}"
pg_wait="${TEST_PREREQUISITES_PG_WAIT:-30}"
database_url="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:$pg_port/postgres}"
needs="the tests need Postgres on 127.0.0.1:$pg_port with user postgres and trust auth, or TEST_DATABASE_URL"
skip_hint="SKIP_TEST_PREREQUISITES=1 skips this check"

# How privileged commands run here: "root", "sudo" (passwordless) or "" (neither).
privilege=""
if [ "$(id -u)" -eq 0 ]; then
  privilege="root"
elif command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
  privilege="sudo"
fi

# Runs a command with the privilege found above (or prints it under TEST_PREREQUISITES_DRY_RUN=1).
privileged() {
  local command=("$@")
  [ "$privilege" = "sudo" ] && command=(sudo -n "${command[@]}")
  if [ "$dry_run" = "1" ]; then
    say "would run: ${command[*]}"
    return 0
  fi
  "${command[@]}"
}

# 1. Debian packages ----------------------------------------------------------------------------------------
[ -r "$packages_file" ] || fail "cannot read the package list $packages_file"
mapfile -t packages < <(grep -Ev '^\s*(#|$)' "$packages_file" | sort -u)

packages_note="${#packages[@]} Debian packages, "
if ! command -v dpkg >/dev/null 2>&1; then
  packages_note=""
  say "not a Debian system (no dpkg): the tests also use ${packages[*]} (Debian names, from .ci/apt-packages.txt); the tests that drive them fail without them"
else
  missing=()
  for package in "${packages[@]}"; do
    status="$(dpkg -s "$package" 2>/dev/null)" || status=""
    [[ "$status" == *"Status: install ok installed"* ]] || missing+=("$package")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    install_line="sudo apt-get install -y ${missing[*]}"
    if [ -z "$privilege" ]; then
      fail "missing Debian packages the tests use: ${missing[*]}; install them with: $install_line (run as root, npm test installs them itself; $skip_hint)"
    fi
    command -v apt-get >/dev/null 2>&1 ||
      fail "missing Debian packages the tests use: ${missing[*]}, and apt-get is not available to install them ($skip_hint)"
    say "installing ${#missing[@]} missing Debian packages the tests use ($privilege): ${missing[*]}"
    if ! { privileged apt-get update -qq &&
      privileged env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; }; then
      fail "apt-get could not install ${missing[*]}; try it by hand: sudo apt-get update && $install_line"
    fi
  fi
fi

# 2. Postgres -----------------------------------------------------------------------------------------------
pg_ready() { pg_isready -q -d "$database_url" >/dev/null 2>&1; }

command -v pg_isready >/dev/null 2>&1 ||
  fail "pg_isready not found: install Postgres with: sudo apt-get install -y postgresql ($needs)"

if ! pg_ready; then
  [ -z "${TEST_DATABASE_URL:-}" ] ||
    fail "Postgres at TEST_DATABASE_URL is not answering: start it, or unset TEST_DATABASE_URL to use 127.0.0.1:$pg_port"
  command -v pg_lsclusters >/dev/null 2>&1 ||
    fail "Postgres is not answering on 127.0.0.1:$pg_port and pg_lsclusters/pg_ctlcluster are not installed: start your Postgres there, or install it with: sudo apt-get install -y postgresql ($needs)"
  cluster=""
  while read -r version name port _; do
    if [ "$port" = "$pg_port" ]; then
      cluster="$version $name"
      break
    fi
  done < <(pg_lsclusters --no-header 2>/dev/null || true)
  [ -n "$cluster" ] ||
    fail "Postgres is not answering on 127.0.0.1:$pg_port and pg_lsclusters shows no cluster on that port: create one with: sudo apt-get install -y postgresql (or sudo pg_createcluster --start <version> main), then allow trust auth for user postgres on 127.0.0.1 in its pg_hba.conf ($needs)"
  read -r cluster_version cluster_name <<<"$cluster"
  start_line="sudo pg_ctlcluster $cluster_version $cluster_name start"
  say "Postgres is down on 127.0.0.1:$pg_port: starting cluster $cluster_version/$cluster_name"
  if [ -n "$privilege" ]; then
    privileged pg_ctlcluster --skip-systemctl-redirect "$cluster_version" "$cluster_name" start ||
      fail "could not start Postgres cluster $cluster_version/$cluster_name (log: /var/log/postgresql/postgresql-$cluster_version-$cluster_name.log); $needs"
  elif [ "$dry_run" = "1" ]; then
    say "would run: pg_ctlcluster $cluster_version $cluster_name start"
  else
    pg_ctlcluster "$cluster_version" "$cluster_name" start >/dev/null 2>&1 ||
      fail "Postgres is down on 127.0.0.1:$pg_port; start it with: $start_line ($needs)"
  fi
  for ((waited = 0; waited < pg_wait; waited++)); do
    pg_ready && break
    sleep 1
  done
  pg_ready ||
    fail "Postgres cluster $cluster_version/$cluster_name does not answer on 127.0.0.1:$pg_port after ${pg_wait}s; start it with: $start_line ($needs)"
fi

# Answering is not enough: the tests log in as postgres without a password.
if command -v psql >/dev/null 2>&1; then
  if ! login_error="$(psql -X -w -q -At -d "$database_url" -c 'select 1' 2>&1 >/dev/null)"; then
    login_error="${login_error%%$'\n'*}"
    fail "Postgres answers on ${TEST_DATABASE_URL:+TEST_DATABASE_URL}${TEST_DATABASE_URL:-127.0.0.1:$pg_port} but the tests cannot log in (${login_error}); $needs: add 'host all postgres 127.0.0.1/32 trust' to its pg_hba.conf and reload it"
  fi
fi

say "ok (${packages_note}Postgres at ${TEST_DATABASE_URL:+TEST_DATABASE_URL}${TEST_DATABASE_URL:-127.0.0.1:$pg_port})"
