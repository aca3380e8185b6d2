#!/usr/bin/env bash
# A throw-away PostgreSQL server for the test suite, from Debian's packages. Sourced by .ci/run, which calls
# guichet_pg_start and, from its exit trap, guichet_pg_stop. Run alone, `.ci/postgres.sh check` starts it,
# proves that the guichet role logs in with its password over TCP and may create a schema, and stops it.
#
# Debian's postgresql package starts no server in a container, and initdb refuses to run as root: the cluster
# lives in a fresh temporary folder owned by postgres, listens on 127.0.0.1 and a non-default port only, and
# its socket is in that folder, so it never meets a system cluster.

GUICHET_PG_PORT=${GUICHET_PG_PORT:-54329}
GUICHET_PG_DIR=""
GUICHET_PG_BIN=""
# shellcheck disable=SC2034  # read by .ci/run
GUICHET_PG_URL="postgres://guichet:guichet@127.0.0.1:${GUICHET_PG_PORT}/guichet?sslmode=disable"

# Whether something listens on 127.0.0.1:$1 (also used by .ci/run for the browser check's server).
guichet_pg_port_busy() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

guichet_pg_start() {
    GUICHET_PG_BIN=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    if [ -z "$GUICHET_PG_BIN" ] || [ ! -x "$GUICHET_PG_BIN/initdb" ]; then
        echo "no PostgreSQL server under /usr/lib/postgresql/*/bin (apt-get install postgresql)" >&2
        return 1
    fi
    if guichet_pg_port_busy "$GUICHET_PG_PORT"; then
        echo "port $GUICHET_PG_PORT on 127.0.0.1 is already taken: stop what listens there or set GUICHET_PG_PORT" >&2
        return 1
    fi
    GUICHET_PG_DIR=$(mktemp -d /tmp/guichet-pg.XXXXXX)
    chown postgres:postgres "$GUICHET_PG_DIR"
    echo "PostgreSQL $("$GUICHET_PG_BIN/postgres" --version | awk '{print $3}') in $GUICHET_PG_DIR, port $GUICHET_PG_PORT"
    # Superuser over the socket only (trust, the folder is postgres's own); every TCP login needs its password.
    (cd "$GUICHET_PG_DIR" && runuser -u postgres -- "$GUICHET_PG_BIN/initdb" -D "$GUICHET_PG_DIR/data" -U postgres \
        --encoding=UTF8 --no-locale --auth-local=trust --auth-host=scram-sha-256 >"$GUICHET_PG_DIR/initdb.log" 2>&1) || {
        cat "$GUICHET_PG_DIR/initdb.log" >&2
        return 1
    }
    # fsync off: a CI database is thrown away; max_connections: tests run in parallel, each with its own pool.
    (cd "$GUICHET_PG_DIR" && runuser -u postgres -- "$GUICHET_PG_BIN/pg_ctl" -D "$GUICHET_PG_DIR/data" -w -t 60 \
        -l "$GUICHET_PG_DIR/server.log" \
        -o "-p $GUICHET_PG_PORT -k $GUICHET_PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=1000 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null) || {
        tail -n 40 "$GUICHET_PG_DIR/server.log" >&2
        return 1
    }
    "$GUICHET_PG_BIN/psql" -X -q -h "$GUICHET_PG_DIR" -p "$GUICHET_PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 \
        -c "CREATE ROLE guichet LOGIN PASSWORD 'guichet'" \
        -c "CREATE DATABASE guichet OWNER guichet" >/dev/null
    # The tests log in as the application does: TCP, password, the database they own.
    PGPASSWORD=guichet "$GUICHET_PG_BIN/psql" -X -q -At -h 127.0.0.1 -p "$GUICHET_PG_PORT" -U guichet -d guichet \
        -v ON_ERROR_STOP=1 -c "SELECT 'connected as ' || current_user || ' to ' || current_database()"
}

guichet_pg_stop() {
    if [ -n "$GUICHET_PG_DIR" ] && [ -n "$GUICHET_PG_BIN" ] && [ -f "$GUICHET_PG_DIR/data/postmaster.pid" ]; then
        (cd "$GUICHET_PG_DIR" && runuser -u postgres -- "$GUICHET_PG_BIN/pg_ctl" -D "$GUICHET_PG_DIR/data" -m fast -w -t 60 stop \
            >/dev/null 2>&1) || echo "warning: pg_ctl stop failed; see $GUICHET_PG_DIR/server.log" >&2
    fi
    if [ -n "$GUICHET_PG_DIR" ] && [ ! -f "$GUICHET_PG_DIR/data/postmaster.pid" ]; then
        rm -rf "$GUICHET_PG_DIR"
        GUICHET_PG_DIR=""
    fi
}

guichet_pg_check() {
    guichet_pg_start
    PGPASSWORD=guichet "$GUICHET_PG_BIN/psql" -X -q -At -h 127.0.0.1 -p "$GUICHET_PG_PORT" -U guichet -d guichet -v ON_ERROR_STOP=1 \
        -c "SET client_min_messages = warning" -c "CREATE SCHEMA ci_check" -c "CREATE TABLE ci_check.t (id int)" -c "DROP SCHEMA ci_check CASCADE" \
        -c "SELECT 'guichet may create schemas'"
    if PGPASSWORD=wrong "$GUICHET_PG_BIN/psql" -X -q -h 127.0.0.1 -p "$GUICHET_PG_PORT" -U guichet -d guichet -c "SELECT 1" \
        >/dev/null 2>&1; then
        echo "a wrong password was accepted" >&2
        return 1
    fi
    echo "a wrong password is refused"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -euo pipefail
    case "${1:-}" in
        check)
            trap guichet_pg_stop EXIT
            guichet_pg_check
            guichet_pg_stop
            if [ -n "$GUICHET_PG_DIR" ] || guichet_pg_port_busy "$GUICHET_PG_PORT"; then echo "PostgreSQL did not stop" >&2; exit 1; fi
            echo "PostgreSQL stopped, its folder removed"
            ;;
        *)
            echo "usage: $0 check   (or source it and call guichet_pg_start / guichet_pg_stop)" >&2
            exit 2
            ;;
    esac
fi
