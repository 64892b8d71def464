# Lifecycle tests against the throw-away stack (sourced by tests/run-all, which provides
# pass/fail, ROOT, URL and the SANSHE_* environment). Each test is a function; each
# assertion failure is reported with what was seen.

lc_check() { # name condition-command...: pass or fail with the name
    local name=$1; shift
    if "$@"; then pass "$name"; else fail "$name"; echo "   FAILED lifecycle: $name"; fi
}

lc_login() { # openid -> token on stdout
    curl -s -XPOST "$URL/api/v1/auth/wx-login" -H 'Content-Type: application/json' -d "{\"code\":\"test:$1\"}" |
        sed -n 's/.*"token":"\([^"]*\)".*/\1/p'
}

lc_status() { curl -s -o /dev/null -w '%{http_code}' "$@"; }

pids() { cat "$SANSHE_STATE"/run/*.pid "$SANSHE_STATE"/mysql/run/*.pid 2>/dev/null | sort | tr '\n' ' '; }

test_up_twice_is_harmless() {
    local before after
    before=$(pids)
    "$ROOT/sanshe" up >/dev/null 2>&1 || return 1
    after=$(pids)
    [ "$before" = "$after" ] && [ "$(lc_status "$URL/healthz")" = 200 ]
}

lc_slow_waits() { grep -c '^fakewx: waiting code=test:slow$' "$SANSHE_STATE/log/fakewx.log" 2>/dev/null; }

test_graceful_sigterm() {
    local out=$SANSHE_STATE/slow.out pid t0 waited seen i
    pid=$(cat "$SANSHE_STATE/run/app.pid")
    seen=$(lc_slow_waits)
    curl -s -o "$out" -w '%{http_code}' -XPOST "$URL/api/v1/auth/wx-login" -H 'Content-Type: application/json' \
        -d '{"code":"test:slow"}' >"$out.status" &
    local curl_pid=$!
    # SIGTERM only once the request is inside the app, waiting on (fake) WeChat for 1.5 s: the
    # fake logs when the call reaches it (a fixed sleep here raced a slow machine)
    for i in $(seq 1 200); do [ "$(lc_slow_waits)" -gt "${seen:-0}" ] && break; sleep 0.05; done
    [ "$(lc_slow_waits)" -gt "${seen:-0}" ] || { echo "   the slow sign-in never reached fake WeChat"; wait $curl_pid; return 1; }
    t0=$(date +%s%N)
    kill -TERM "$pid"
    while [ -e "/proc/$pid" ] && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null; do
        [ $(( ($(date +%s%N) - t0) / 1000000 )) -gt 6000 ] && break
        sleep 0.05
    done
    waited=$(( ($(date +%s%N) - t0) / 1000000 ))
    wait $curl_pid
    echo "   app stopped ${waited} ms after SIGTERM; in-flight request got $(cat "$out.status")"
    local ok=1
    if [ -e "/proc/$pid" ] && ! grep -q '^State:.*Z' "/proc/$pid/status"; then ok=0; fi   # no graceful stop
    [ "$waited" -le 5000 ] || ok=0
    [ "$(cat "$out.status")" = 200 ] || ok=0                  # the in-flight request finished
    grep -q '"token"' "$out" || ok=0
    # while the app is down nginx answers in the API's error shape
    local body
    body=$(curl -s "$URL/api/v1/me")
    [[ $body == *'"code":"unavailable"'* ]] || { echo "   app down reply: $body"; ok=0; }
    "$ROOT/sanshe" up >/dev/null 2>&1 || ok=0                 # up restarts what stopped
    [ "$(lc_status "$URL/healthz")" = 200 ] || ok=0
    [ $ok = 1 ]
}

# The secrets file is 0600 and the repository's ignore rules keep it out of commits. Read
# .gitignore itself rather than asking git: a test may use only what ./sanshe installs, and a
# release tarball has no .git (nor, perhaps, a .gitignore: then only the mode is checked).
test_secrets_file_private() {
    local f=$SANSHE_STATE/secrets.conf
    [ "$(stat -c %a "$f")" = 600 ] || { echo "   $f is mode $(stat -c %a "$f")"; return 1; }
    [ -f "$ROOT/.gitignore" ] || return 0
    # a "secrets.conf" rule (any folder) is enough; otherwise the state folder must be /var/
    grep -qxF 'secrets.conf' "$ROOT/.gitignore" && return 0
    case $f in "$ROOT"/var/*) grep -qxF '/var/' "$ROOT/.gitignore" && return 0 ;; esac
    echo "   .gitignore does not cover $f"; return 1
}

test_logs_hold_no_secrets() {
    local key val leaked=0
    for key in jwt_key field_key wx_secret mysql_password; do
        val=$(sed -n "s/^$key = //p" "$SANSHE_STATE/secrets.conf")
        [ -n "$val" ] || return 1
        if grep -rqF "$val" "$SANSHE_STATE/log"; then echo "   $key found in logs"; leaked=1; fi
    done
    # no bearer tokens or WeChat session keys either
    if grep -rqE 'eyJ[A-Za-z0-9_-]{10,}\.' "$SANSHE_STATE/log"; then echo "   a token found in logs"; leaked=1; fi
    if grep -rqi 'session_key' "$SANSHE_STATE/log/app.log"; then echo "   session_key in app log"; leaked=1; fi
    [ $leaked = 0 ]
}

# After the API tests registered volunteers: no mobile or resident ID number in any log.
test_logs_hold_no_personal_data() {
    local hits
    hits=$(cat "$SANSHE_STATE"/log/*.log 2>/dev/null | sed -E 's/rid=[^ ]*//g' |
        grep -cE '(^|[^0-9A-Za-z])(1[3-9][0-9]{9}|[0-9]{17}[0-9Xx])([^0-9A-Za-z]|$)')
    [ "$hits" = 0 ] || echo "   $hits log lines look like a phone or ID number"
    [ "$hits" = 0 ]
}

lc_api() { # method path token [body] -> body
    curl -s -X "$1" "$URL$2" ${3:+-H "Authorization: Bearer $3"} -H 'Content-Type: application/json' ${4:+-d "$4"}
}
lc_id() { sed -n 's/^{"id":\([0-9]*\).*/\1/p'; }

# One account scripting sign-ups is stopped (OWASP API4/API6). The count must not depend on
# the machine's speed (150 requests spread over more than a second never met a 60/s limit on
# a slow machine), so the app is restarted with 5 per window of an hour and the burst starts
# with at least a minute of its window left: of 150 parallel sign-ups by one user exactly 5
# pass (one 201, four idempotent 200), 145 get 429 rate_limited with Retry-After up to the
# window's end, and the sign-up is still one. The app is restarted with the defaults after.
lc_signup_rate_limit() {
    local adm lead user community org act starts ends codes window=3600 left retry
    adm=$(lc_login lc-rl-admin) lead=$(lc_login lc-rl-leader) user=$(lc_login lc-rl-user)
    community=$(lc_api POST /api/v1/communities "$adm" '{"name":"限流社区'$$'","street":"s","district":"d","kind":"rural"}' | lc_id)
    org=$(lc_api POST /api/v1/orgs "$lead" '{"name":"限流测试组织'$$'","community_id":'"$community"',"kind":"association"}' | lc_id)
    lc_api POST "/api/v1/orgs/$org/approve" "$adm" >/dev/null
    starts=$(date -u -d '+2 hours' +%Y-%m-%dT%H:%M:%SZ) ends=$(date -u -d '+3 hours' +%Y-%m-%dT%H:%M:%SZ)
    act=$(lc_api POST "/api/v1/orgs/$org/activities" "$lead" '{"title":"限流活动","description":"x","category":"other","starts_at":"'"$starts"'","ends_at":"'"$ends"'","capacity":3,"location":{"name":"x","lat":30,"lng":104,"radius_m":100}}' | lc_id)
    lc_api POST "/api/v1/activities/$act/publish" "$lead" >/dev/null
    [ -n "$act" ] || { echo "   could not set up an activity"; return 1; }
    left=$(( window - $(date +%s) % window ))
    if [ $left -lt 60 ]; then sleep $((left + 1)); fi            # a minute of the window left
    codes=$(seq 1 150 | xargs -P 50 -I{} curl -s -o /dev/null -w '%{http_code}\n' -XPOST \
        "$URL/api/v1/activities/$act/signups" -H "Authorization: Bearer $user" | sort | uniq -c | sed 's/^ *//')
    echo "   150 parallel sign-ups by one user, 5 allowed per hour:" $codes
    [ "$(printf '%s\n' "$codes" | tr '\n' ' ')" = "4 200 1 201 145 429 " ] || return 1
    retry=$(curl -s -o /dev/null -D - -XPOST "$URL/api/v1/activities/$act/signups" -H "Authorization: Bearer $user" |
        sed -n 's/^Retry-After: \([0-9]*\).*/\1/Ip')
    [ -n "$retry" ] && [ "$retry" -gt 1 ] && [ "$retry" -le $window ] || { echo "   Retry-After: '$retry'"; return 1; }
    [ "$(lc_api GET "/api/v1/activities/$act" | sed -n 's/.*"confirmed":\([0-9]*\).*/\1/p')" = 1 ]
}

test_signup_rate_limit_per_user() {
    "$ROOT/sanshe" ctl grant lc-rl-admin admin >/dev/null || return 1
    SANSHE_SIGNUP_RATE=5 SANSHE_SIGNUP_WINDOW=3600 "$ROOT/sanshe" up >/dev/null 2>&1 || return 1
    grep -q '^signup_rate_window_s = 3600$' "$SANSHE_STATE/sanshe.conf" || return 1
    local rc=0
    lc_signup_rate_limit || rc=1
    "$ROOT/sanshe" up >/dev/null 2>&1 || rc=1                    # back to the defaults
    grep -q '^signup_rate_window_s = 1$' "$SANSHE_STATE/sanshe.conf" || rc=1
    return $rc
}

# The demo data still loads on the current schema (the test stack starts without it).
test_demo_data_loads() {
    SANSHE_DEMO=1 "$ROOT/sanshe" up >/dev/null 2>&1 || return 1
    local list i page cursor found=0
    # loaded in SQL, behind the app's back: the public list may be served from a copy up to
    # 1 s old (openapi.yaml), so it may take that long to show; and the suite's own activities
    # may come first, so the pages are walked
    for i in 1 2 3 4 5 6 7 8 9 10; do
        cursor=
        for page in $(seq 1 30); do
            list=$(curl -s "$URL/api/v1/activities?limit=100${cursor:+&cursor=$cursor}")
            [[ $list == *"玉林邻里互助会"* ]] && { found=1; break; }
            cursor=$(sed -n 's/.*"next_cursor":"\([0-9.]*\)".*/\1/p' <<<"$list")
            [ -n "$cursor" ] || break
        done
        [ $found = 1 ] && break
        sleep 0.3
    done
    [ $found = 1 ] || { echo "   demo activities missing"; return 1; }
    [[ $(curl -s "$URL/api/v1/contests?limit=100") == *"微公益创投"* ]] || { echo "   demo contest missing"; return 1; }
    [[ $(curl -s "$URL/api/v1/needs?limit=100") == *"独居老人"* ]] || { echo "   demo needs missing"; return 1; }
    [[ $(curl -s "$URL/api/v1/consultations?limit=100") == *"垃圾分类"* ]] || { echo "   demo consultation missing"; return 1; }
    [[ $(curl -s "$URL/api/v1/service-projects?limit=100") == *"长者助餐"* ]]
}

test_ctl_grant() {
    "$ROOT/sanshe" ctl grant lc-admin admin >/dev/null || return 1
    local tok me
    tok=$(lc_login lc-admin)
    me=$(curl -s "$URL/api/v1/me" -H "Authorization: Bearer $tok")
    [[ $me == *'"admin"'* ]] || { echo "   me: $me"; return 1; }
    # a community that does not exist is refused, and so is an unknown role
    ! "$ROOT/sanshe" ctl grant lc-admin community_admin 999999 >/dev/null 2>&1 &&
        ! "$ROOT/sanshe" ctl grant lc-admin superuser >/dev/null 2>&1
}

test_redis_outage_and_recovery() {
    local tok body ok=1
    tok=$(lc_login lc-redis)
    redis-cli -s "$SANSHE_STATE/run/redis.sock" shutdown nosave >/dev/null 2>&1
    sleep 0.3
    body=$(curl -s "$URL/healthz")
    [[ $body == *'"redis":"down"'* ]] || { echo "   healthz with Redis down: $body"; ok=0; }
    [ "$(lc_status "$URL/healthz")" = 503 ] || ok=0
    [ "$(lc_status "$URL/api/v1/me" -H "Authorization: Bearer $tok")" = 503 ] || ok=0
    rm -f "$SANSHE_STATE/run/redis.pid"
    "$ROOT/sanshe" up >/dev/null 2>&1 || ok=0      # restarts Redis only; the app keeps running
    tok=$(lc_login lc-redis)                        # the old session died with nosave
    [ "$(lc_status "$URL/api/v1/me" -H "Authorization: Bearer $tok")" = 200 ] || ok=0
    [ $ok = 1 ]
}

test_mariadb_outage_and_recovery() {
    local tok body ok=1 app_before
    app_before=$(cat "$SANSHE_STATE/run/app.pid")
    tok=$(lc_login lc-mysql)
    kill -TERM "$(cat "$SANSHE_STATE/mysql/run/mariadbd.pid")"
    while [ -S "$SANSHE_STATE/mysql/run/mysqld.sock" ]; do sleep 0.1; done
    sleep 0.3
    body=$(curl -s "$URL/healthz")
    [[ $body == *'"mysql":"down"'* ]] || { echo "   healthz with MariaDB down: $body"; ok=0; }
    [ "$(lc_status "$URL/api/v1/me" -H "Authorization: Bearer $tok")" = 503 ] || ok=0
    "$ROOT/sanshe" up >/dev/null 2>&1 || ok=0
    [ "$(lc_status "$URL/api/v1/me" -H "Authorization: Bearer $tok")" = 200 ] || ok=0
    [ "$(cat "$SANSHE_STATE/run/app.pid")" = "$app_before" ] || { echo "   the app was restarted"; ok=0; }
    [ $ok = 1 ]
}

# Processes whose command line names the folder $1 (every server of a stack names its state
# folder: mariadbd's my.cnf, redis' socket, the app's config, nginx's prefix, the floor's socket).
lc_procs_of() {
    local f c
    for f in /proc/[0-9]*/cmdline; do
        c=$( { tr '\0' ' ' <"$f"; } 2>/dev/null) || continue
        [[ $c == *"$1/"* ]] && { f=${f#/proc/}; printf '%s ' "${f%/cmdline}"; }
    done
}

# ./sanshe bench stops what it started (a private stack and the floor) when it ends and when it
# is interrupted, unless SANSHE_BENCH_KEEP=1. A tiny bench on ports of its own, run once to the
# end and once stopped with SIGTERM to its whole process group while it seeds (as Ctrl-C
# would; SIGINT itself is ignored by jobs a script starts in the background, so it cannot be
# used here).
test_bench_stops_what_it_started() {
    local bstate=$SANSHE_STATE/bench bport left rc=0 pgid i
    bport=$(free_port $((SANSHE_PORT + 20)))
    lc_bench() {
        SANSHE_STATE=$bstate SANSHE_PORT=$bport SANSHE_WX_PORT=$(free_port $((bport + 1))) SANSHE_THREADS=2 \
            BENCH_USERS=20 BENCH_ACTIVITIES=2 BENCH_VOLUNTEERS=3 BENCH_SECONDS=1 BENCH_FLOOR_SECONDS=1 \
            BENCH_CONNECTIONS=4 "$@"
    }
    lc_bench "$ROOT/bench/run" >"$SANSHE_STATE/log/bench-1.out" 2>&1 || { echo "   bench failed:"; tail -n 5 "$SANSHE_STATE/log/bench-1.out"; rc=1; }
    grep -q 'stopped everything it started' "$SANSHE_STATE/log/bench-1.out" || rc=1
    left=$(lc_procs_of "$bstate")
    [ -z "$left" ] || { echo "   after a finished bench still running: $left"; rc=1; }
    # stopped while it seeds: the floor is up by then. setsid makes the bench the leader of
    # its own process group (its pid, written to bench.pgid), which then gets the signal.
    local pgf=$SANSHE_STATE/bench.pgid waiter
    rm -f "$pgf"
    lc_bench setsid bash -c 'echo $$ >"$1"; exec "$2"' lc-bench "$pgf" "$ROOT/bench/run" \
        >"$SANSHE_STATE/log/bench-2.out" 2>&1 &
    waiter=$!
    for i in $(seq 1 1200); do
        grep -q '^seeding' "$SANSHE_STATE/log/bench-2.out" 2>/dev/null && break
        kill -0 "$waiter" 2>/dev/null || break
        sleep 0.1
    done
    [ -s "$bstate/run/hello.pid" ] || { echo "   the second bench did not start its floor"; rc=1; }
    pgid=$(cat "$pgf" 2>/dev/null)
    [ -n "$pgid" ] && kill -TERM -- -"$pgid" 2>/dev/null
    wait "$waiter"
    left=$(lc_procs_of "$bstate")
    [ -z "$left" ] || { echo "   after SIGTERM still running: $left"; rc=1; }
    grep -q 'stopped everything it started' "$SANSHE_STATE/log/bench-2.out" || rc=1
    if grep -q 'invariants:' "$SANSHE_STATE/log/bench-2.out"; then echo "   the bench ran to its end"; rc=1; fi
    for i in $left; do kill -KILL "$i" 2>/dev/null; done
    rm -rf "$bstate"
    return $rc
}

# The system calls of a systemd filter group (@name), nested groups expanded.
lc_syscall_group() {
    local line
    systemd-analyze syscall-filter "$1" 2>/dev/null | tail -n +2 | while read -r line; do
        case $line in '' | '#'*) ;; @*) lc_syscall_group "$line" ;; *) echo "$line" ;; esac
    done
}

# etc/sanshe-api.service passes `systemd-analyze verify` (with ExecStart pointing at the built
# app), and its SystemCallFilter lines, applied in order as systemd does, leave the chown
# family the app needs for socket_group allowed (~@privileged used to remove it, so the app
# exited at start under systemd).
test_systemd_unit() {
    local unit=$SANSHE_STATE/sanshe-api.service out rc=0 first=1 line item neg sys
    command -v systemd-analyze >/dev/null || { echo "   systemd-analyze missing (./sanshe installs systemd)"; return 1; }
    sed "s|^ExecStart=/usr/local/bin/sanshe-api |ExecStart=${BUILD:-$ROOT/build}/cgi-bin/sanshe-api |" \
        "$ROOT/etc/sanshe-api.service" >"$unit"
    out=$(systemd-analyze verify --man=no "$unit" 2>&1) || rc=1
    [ -z "$out" ] || { echo "   systemd-analyze verify: $out"; rc=1; }
    declare -A allowed=()
    while IFS= read -r line; do
        line=${line#SystemCallFilter=}
        neg=0
        [[ $line == '~'* ]] && { neg=1; line=${line#\~}; }
        if [ $first = 1 ] && [ $neg = 1 ]; then echo "   the filter starts with a deny list"; return 1; fi
        first=0
        for item in $line; do
            if [[ $item == @* ]]; then sys=$(lc_syscall_group "$item"); else sys=$item; fi
            [ -n "$sys" ] || { echo "   unknown filter group $item"; rc=1; }
            for s in $sys; do if [ $neg = 1 ]; then unset "allowed[$s]"; else allowed[$s]=1; fi; done
        done
    done < <(grep '^SystemCallFilter=' "$ROOT/etc/sanshe-api.service")
    for sys in chown fchown fchownat socket bind listen accept4; do
        [ -n "${allowed[$sys]:-}" ] || { echo "   the unit's SystemCallFilter blocks $sys"; rc=1; }
    done
    return $rc
}

# The repository stands alone: no file points outside it (to the team's notes in a sibling
# folder; the pattern is assembled below so that this file does not name it), every mention of API.md is the repository's own docs/API.md, and the
# relative links of the Markdown files resolve. Reads the files themselves (no git).
test_repository_stands_alone() {
    local rc=0 hits f link target
    local -a files
    mapfile -t files < <(find "$ROOT" \( -path "$ROOT/var" -o -path "$ROOT/build*" -o -name .git \
        -o -name node_modules -o -path "$ROOT/autom4te.cache" -o -path "$ROOT/m4" \) -prune -o \
        -type f \( -name '*.[ch]' -o -name '*.md' -o -name '*.sh' -o -name '*.sql' -o -name '*.yaml' -o -name '*.in' \
        -o -name '*.conf' -o -name '*.example' -o -name '*.service' -o -name '*.lua' -o -name '*.am' -o -name '*.ac' \
        -o -name sanshe -o -name run -o -name run-all \) -print)
    [ ${#files[@]} -gt 50 ] || { echo "   only ${#files[@]} files found under $ROOT"; return 1; }
    local sib=sha
    sib+=red
    hits=$(grep -nE "\\.\\./$sib|/work/$sib|$sib/design|$sib/domain" "${files[@]}" 2>/dev/null)
    [ -z "$hits" ] || { echo "   points outside the repository:"; echo "$hits" | head -5 | sed 's/^/     /'; rc=1; }
    hits=$(grep -nE '(^|[^/A-Za-z_])API\.md' "${files[@]}" 2>/dev/null | grep -v "^$ROOT/docs/API.md:" |
        grep -vE 'docs/API\.md')
    [ -z "$hits" ] || { echo "   mentions an API.md other than docs/API.md:"; echo "$hits" | head -5 | sed 's/^/     /'; rc=1; }
    [ -s "$ROOT/docs/API.md" ] || { echo "   docs/API.md is missing"; rc=1; }
    for f in "${files[@]}"; do
        [[ $f == *.md ]] || continue
        while IFS= read -r link; do
            target=${link%%#*}
            [ -n "$target" ] || continue
            [[ $target == http* || $target == mailto:* ]] && continue
            [ -e "$(dirname "$f")/$target" ] || { echo "   ${f#$ROOT/}: broken link $link"; rc=1; }
        done < <(grep -oE '\]\([^)]+\)' "$f" | sed 's/^](//; s/)$//')
    done
    return $rc
}

run_lifecycle_tests() {
    local t
    for t in test_up_twice_is_harmless test_secrets_file_private test_ctl_grant test_logs_hold_no_secrets \
        test_logs_hold_no_personal_data test_signup_rate_limit_per_user test_demo_data_loads \
        test_redis_outage_and_recovery test_mariadb_outage_and_recovery test_graceful_sigterm \
        test_systemd_unit test_repository_stands_alone test_bench_stops_what_it_started; do
        lc_check "${t#test_}" "$t"
    done
}
