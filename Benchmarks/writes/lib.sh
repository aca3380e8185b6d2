# Shared by Benchmarks/writes/run and Benchmarks/multiprocess/run (sourced, from the repository's root): a durable
# PostgreSQL, a database prepared for write loads, servers started and stopped, and the SQL checks made after a load.
#
# The caller sets BIN (the guichet binary) and WORK (a temporary folder), and sources .ci/postgres.sh before calling
# bench_pg_start_durable.

BENCH_CENTRE=bench-centre
# The benchmark centre's services (bench-centre.yaml): tickets are spread over them, every counter serves them all.
BENCH_SERVICE=bench-centre.etat-civil,bench-centre.identite,bench-centre.justice,bench-centre.orientation
# One of them, for the checks that take one ticket.
BENCH_ONE_SERVICE=bench-centre.etat-civil
BENCH_PASSWORD=bench-password-2026
BENCH_PROCEDURE=tg-copie-acte-etat-civil
# Answers complete for the procedure's form (no files), submitted at once (as Benchmarks/applications/bench.py does).
BENCH_SUBMIT_BODY='{"procedure":"tg-copie-acte-etat-civil","answers":{"record_kind":"birth","last_name":"BENCH","first_names":"Charge","event_date":"2001-02-03","registry_centre":"Lomé","phone":"+22890000000"}}'

# .ci/postgres.sh turns durability off for the test suite (fsync=off, synchronous_commit=off): a benchmark of
# acknowledged writes must not. Starts it, then restarts the same cluster with fsync, synchronous_commit and
# full_page_writes on, and shows them.
bench_pg_start_durable() {
    guichet_pg_start >/dev/null || return 1
    (cd "$GUICHET_PG_DIR" && runuser -u postgres -- "$GUICHET_PG_BIN/pg_ctl" -D "$GUICHET_PG_DIR/data" -w -t 60 -m fast \
        -l "$GUICHET_PG_DIR/server.log" \
        -o "-p $GUICHET_PG_PORT -k $GUICHET_PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=1000 -c fsync=on -c synchronous_commit=on -c full_page_writes=on" \
        restart >/dev/null) || {
        tail -n 40 "$GUICHET_PG_DIR/server.log" >&2
        return 1
    }
    echo "PostgreSQL $("$GUICHET_PG_BIN/postgres" --version | awk '{print $3}') on port $GUICHET_PG_PORT: $(bench_pg_settings "$GUICHET_PG_URL")"
}

bench_pg_settings() { # $1: URL
    psql -X -q -At "$1" -c "SELECT 'fsync=' || current_setting('fsync') || ' synchronous_commit=' || current_setting('synchronous_commit') \
        || ' full_page_writes=' || current_setting('full_page_writes')"
}

# The environment that selects a database: bench_db_env sqlite FILE | bench_db_env postgresql URL.
bench_db_env() {
    if [ "$1" = sqlite ]; then echo "GUICHET_SQLITE_PATH=$2"; else echo "DATABASE_URL=$2"; fi
}

# Migrates and loads the demo (once), imports the always-open benchmark centre, and creates AGENT_COUNT centre agents
# bench-agent-<n>@bench.example and one administrator bench-admin@bench.example (password BENCH_PASSWORD, no change
# asked). $1: the database's environment (bench_db_env), $2: a home folder; its guichet-data/ is the data folder that
# every server process shares (the site secret, the keys).
# The commands other than `serve` take their data folder from the working directory (./guichet-data, whatever
# GUICHET_DATA_DIR says): they run from the home folder, so that they and the servers use the same keys.
bench_cli() { # $1: database env, $2: home folder, then the command
    local db_env=$1 home=$2
    shift 2
    (cd "$home" && env -u DATABASE_URL -u GUICHET_SQLITE_PATH "$db_env" GUICHET_DATA_DIR="$home/guichet-data" LOG_LEVEL=warning \
        "$BIN" "$@" </dev/null)
}

bench_prepare() {
    local db_env=$1 home=$2 log=$WORK/prepare.log
    mkdir -p "$home"
    run_cli() { bench_cli "$db_env" "$home" "$@" >>"$log" 2>&1; }
    run_cli seed --demo || { tail -n 30 "$log" >&2; return 1; }
    run_cli centres import "$BENCH_DIR/bench-centre.yaml" || { tail -n 30 "$log" >&2; return 1; }
    local n
    for n in $(seq 1 "${AGENT_COUNT:-8}"); do
        GUICHET_PASSWORD=$BENCH_PASSWORD run_cli user create --email "bench-agent-$n@bench.example" --name "Bench agent $n" \
            --role centre_agent --centre "$BENCH_CENTRE" || { tail -n 30 "$log" >&2; return 1; }
    done
    GUICHET_PASSWORD=$BENCH_PASSWORD run_cli user create --email bench-admin@bench.example --name "Bench administrator" \
        --role administrator || { tail -n 30 "$log" >&2; return 1; }
}

# More environment for every `guichet serve` (NAME=value items), e.g. the SMS gateway's settings.
SERVE_ENV=()

# Starts `guichet serve` in the background; prints nothing, sets LAST_PID. $1: port, $2: database env, $3: home folder
# (bench_prepare's), $4: log file. Limits for many visitors: each request of the load says its own address (X-Forwarded-For).
bench_serve() {
    local port=$1 db_env=$2 home=$3 log=$4
    env -u DATABASE_URL -u GUICHET_SQLITE_PATH "$db_env" GUICHET_DATA_DIR="$home/guichet-data" LOG_LEVEL=${SERVER_LOG_LEVEL:-warning} \
        GUICHET_TRUST_PROXY=1 GUICHET_LIMIT_KIOSK_PER_MINUTE=10000 GUICHET_LIMIT_REMOTE_PER_HOUR=100000 GUICHET_BCRYPT_COST=10 \
        "${SERVE_ENV[@]}" "$BIN" serve --no-migrate --host 127.0.0.1 --port "$port" </dev/null >>"$log" 2>&1 &
    LAST_PID=$!
}

bench_wait_ready() { # $1: port, $2: pid, $3: log
    local deadline=$((SECONDS + 300))
    while [ "$SECONDS" -lt "$deadline" ]; do
        curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$1/healthz" && return 0
        kill -0 "$2" 2>/dev/null || break
        sleep 0.5
    done
    echo "the server on port $1 did not answer /healthz (or stopped); its log:" >&2
    tail -n 40 "$3" >&2
    return 1
}

bench_stop() { # $1: pid; SIGTERM, then SIGKILL after 20 s
    local pid=$1
    [ -n "$pid" ] || return 0
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# One number from the database, with the lines of $2 (a file, may be empty) in a table `acked(v)`.
# $1: database env (bench_db_env), $3: the query.
bench_query() {
    local db_env=$1 list=$2 query=$3 value=${1#*=}
    if [ "${db_env%%=*}" = GUICHET_SQLITE_PATH ]; then
        printf 'ATTACH %s AS g;\nCREATE TABLE acked(v TEXT);\n.import %s acked\n%s;\n' "'$value'" "$list" "$query" |
            sqlite3 -batch -noheader :memory:
    else
        psql -X -q -At "$value" -v ON_ERROR_STOP=1 -c "CREATE TEMP TABLE acked(v text)" -c "\\copy acked FROM '$list'" -c "$query" |
            tail -n 1
    fi
}

# Prefix of a table: `g.` on SQLite (the attached file), nothing on PostgreSQL.
bench_table() { if [ "${1%%=*}" = GUICHET_SQLITE_PATH ]; then echo "g.$2"; else echo "$2"; fi; }

CHECK_FAILURES=0
bench_expect_zero() { # $1: what, $2: value
    if [ "$2" = 0 ]; then
        printf '    %-64s 0  ok\n' "$1"
    else
        printf '    %-64s %s  FAILED\n' "$1" "${2:-no answer}"
        CHECK_FAILURES=$((CHECK_FAILURES + 1))
    fi
}

# After a load, with the servers stopped: every acknowledged write is there exactly once, no ticket was called twice,
# the audit chain is intact. $1: database env, $2: folder of the Lua scripts' answer files (searched recursively),
# $3: KEY_PREFIX used by the load (its applications' keys start with it), $4: the home folder.
bench_check() {
    local db_env=$1 answers=$2 prefix=$3 home=$4
    local refs=$WORK/acked-refs.txt codes=$WORK/acked-codes.txt calls
    # Acknowledged: a 2xx to a submission or an API ticket, a 303 to a kiosk ticket (its code in the Location).
    find "$answers" -name 'submit-*.txt' -exec cat {} + 2>/dev/null | awk '$1 ~ /^2/ && $2 != "-" {print $2}' >"$refs" || true
    { find "$answers" -path '*api*' -name 'tickets-*.txt' -exec cat {} + 2>/dev/null | awk '$1 ~ /^2/ && $2 != "-" {print $2}'
      find "$answers" -path '*kiosk*' -name 'tickets-*.txt' -exec cat {} + 2>/dev/null | awk '$1 == 303 && $2 != "-" {print $2}'
    } >"$codes" || true
    calls=$(find "$answers" -name 'call-*.txt' -exec cat {} + 2>/dev/null | awk '$1 == "call" && $4 == "called"' | wc -l)
    local applications tickets audit
    applications=$(bench_table "$db_env" applications)
    tickets=$(bench_table "$db_env" centre_tickets)
    audit=$(bench_table "$db_env" audit_events)
    # First, as every reader of the log does: on PostgreSQL the events still waiting in audit_pending (written by their
    # transactions, chained after commit) take their place in the chain, which the checks below read.
    local verify
    if verify=$(bench_cli "$db_env" "$home" audit verify 2>&1); then
        printf '    %-64s ok (%s)\n' "audit chain: guichet audit verify" "$(tail -n 1 <<<"$verify")"
    else
        printf '    %-64s FAILED: %s\n' "audit chain: guichet audit verify" "$(tail -n 3 <<<"$verify" | tr '\n' ' ')"
        CHECK_FAILURES=$((CHECK_FAILURES + 1))
    fi
    echo "  checks: $(wc -l <"$refs") acknowledged submissions, $(wc -l <"$codes") acknowledged tickets, $calls acknowledged call-next"
    bench_expect_zero "acknowledged submissions missing from the database" \
        "$(bench_query "$db_env" "$refs" "SELECT COUNT(*) FROM acked a WHERE NOT EXISTS (SELECT 1 FROM $applications p WHERE p.reference = a.v)")"
    bench_expect_zero "references acknowledged to two requests" \
        "$(bench_query "$db_env" "$refs" "SELECT COUNT(*) FROM (SELECT v FROM acked GROUP BY v HAVING COUNT(*) > 1) d")"
    bench_expect_zero "Idempotency-Keys with more than one application" \
        "$(bench_query "$db_env" "$refs" "SELECT COUNT(*) FROM (SELECT idempotency_scope, idempotency_key FROM $applications \
            WHERE idempotency_key LIKE '$prefix%' GROUP BY idempotency_scope, idempotency_key HAVING COUNT(*) > 1) d")"
    bench_expect_zero "acknowledged tickets missing from the database" \
        "$(bench_query "$db_env" "$codes" "SELECT COUNT(*) FROM acked a WHERE NOT EXISTS (SELECT 1 FROM $tickets t WHERE t.code = a.v)")"
    bench_expect_zero "ticket codes acknowledged to two requests" \
        "$(bench_query "$db_env" "$codes" "SELECT COUNT(*) FROM (SELECT v FROM acked GROUP BY v HAVING COUNT(*) > 1) d")"
    bench_expect_zero "tickets called twice (two ticket.called events)" \
        "$(bench_query "$db_env" "$codes" "SELECT COUNT(*) FROM (SELECT entity_id FROM $audit WHERE action = 'ticket.called' \
            GROUP BY entity_id HAVING COUNT(*) > 1) d")"
    local events
    events=$(bench_query "$db_env" "$codes" "SELECT COUNT(*) FROM $audit e JOIN $tickets t ON t.id = e.entity_id \
        WHERE e.action = 'ticket.called' AND t.centre_id = '$BENCH_CENTRE'")
    bench_expect_zero "acknowledged call-next without its ticket.called event" "$((calls > ${events:-0} ? calls - ${events:-0} : 0))"
}
