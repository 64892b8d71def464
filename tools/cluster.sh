# The cluster topology of `./sanshe up --cluster` (sourced by ./sanshe; uses its helpers and
# variables): three MariaDB Galera nodes, a Redis master with two replicas watched by three
# Sentinels (quorum 2), two app processes as two "hosts", and nginx in front of both through an
# upstream. Everything listens on 127.0.0.1 only, on ports counted from CLUSTER_BASE:
#
#   +1..+3   MariaDB (SQL)          +11..+13  Galera replication (gmcast)
#   +21..+23 Galera IST             +31..+33  rsync state transfer (SST)
#   +41..+43 Redis (+41 starts as master)     +51..+53 Sentinels
#
# Node n keeps its files under $STATE/galera/n, Redis n under $STATE/redis-n, Sentinel n under
# $STATE/sentinel-n, app host n under $STATE/app-n (its config, socket folder and pid).

CLUSTER_BASE=${SANSHE_CLUSTER_BASE:-$((PORT + 1000))}
CLUSTER_NAME=sanshe
REDIS_MASTER_NAME=sanshe

galera_port() { echo $((CLUSTER_BASE + $1)); }
redis_port() { echo $((CLUSTER_BASE + 40 + $1)); }
sentinel_port() { echo $((CLUSTER_BASE + 50 + $1)); }
galera_sock() { echo "$STATE/galera/$1/run/mysqld.sock"; }

galera_sql() { # node sql...: runs as MariaDB's root over the node's unix socket
    local n=$1; shift
    mariadb --socket="$(galera_sock "$n")" -uroot --default-character-set=utf8mb4 "$@"
}

galera_state() { # node: wsrep_local_state_comment (Synced, Donor/Desynced, Joining, ...) or nothing
    timeout 5 mariadb --socket="$(galera_sock "$1")" -uroot --connect-timeout=2 -N -e "SHOW STATUS LIKE 'wsrep_local_state_comment'" 2>/dev/null | cut -f2
}

write_galera_cnf() {
    local n=$1 dir=$STATE/galera/$1 peers="" i
    for i in 1 2 3; do peers="${peers:+$peers,}127.0.0.1:$((CLUSTER_BASE + 10 + i))"; done
    mkdir -p "$dir/data" "$dir/run"
    chmod 755 "$STATE/galera"
    cat >"$dir/my.cnf" <<EOF
[mysqld]
user = $MYSQL_USER
datadir = $dir/data
socket = $dir/run/mysqld.sock
pid-file = $dir/run/mariadbd.pid
log-error = $dir/mariadb.log
port = $(galera_port "$n")
bind-address = 127.0.0.1
skip-name-resolve
character-set-server = utf8mb4
collation-server = utf8mb4_unicode_ci
default-time-zone = '+00:00'
innodb_buffer_pool_size = 128M
innodb_flush_log_at_trx_commit = 1
max_connections = 300
performance_schema = OFF
# Galera: row events, interleaved auto-increment (ids step by the cluster size)
binlog_format = ROW
default_storage_engine = InnoDB
innodb_autoinc_lock_mode = 2
wsrep_on = ON
wsrep_provider = /usr/lib/galera/libgalera_smm.so
wsrep_cluster_name = $CLUSTER_NAME
wsrep_cluster_address = gcomm://$peers
wsrep_node_name = node$n
wsrep_node_address = 127.0.0.1
wsrep_provider_options = "gmcast.listen_addr=tcp://127.0.0.1:$((CLUSTER_BASE + 10 + n));ist.recv_addr=127.0.0.1:$((CLUSTER_BASE + 20 + n));gcache.size=128M;evs.suspect_timeout=PT3S;evs.inactive_timeout=PT6S"
wsrep_sst_method = rsync
wsrep_sst_receive_address = 127.0.0.1:$((CLUSTER_BASE + 30 + n))
wsrep_mode = REQUIRED_PRIMARY_KEY
EOF
    chown -R "$MYSQL_USER:" "$dir"
}

# A node is up when its process lives or its socket answers (a pid file can be missing).
galera_up() { alive "$STATE/galera/$1/run/mariadbd.pid" || [ -n "$(galera_state "$1")" ]; }

# wait_galera_synced n: until node n says Synced, up to 120 s.
wait_galera_synced() {
    local i
    for i in $(seq 1 600); do
        [ "$(galera_state "$1")" = Synced ] && return 0
        sleep 0.2
    done
    echo "Galera node $1 not Synced within 120 s"; return 1
}

# start_galera_node n [bootstrap]: starts node n (node 1 with bootstrap=1 founds the cluster)
# and waits until it is Synced. A node that is already up (perhaps joining, a donor, or just
# resumed after a freeze) is waited for, never started a second time: a second mariadbd on
# the same files and ports fails, and used to take the first one's pid file with it.
start_galera_node() {
    local n=$1 boot=${2:-0} dir=$STATE/galera/$1
    if galera_up "$n"; then wait_galera_synced "$n"; return; fi
    write_galera_cnf "$n"
    if [ ! -d "$dir/data/mysql" ]; then
        mariadb-install-db --defaults-file="$dir/my.cnf" --auth-root-authentication-method=socket \
            --skip-test-db >/dev/null || return 1
        chown -R "$MYSQL_USER:" "$dir"
    fi
    ln -sfn "$dir/mariadb.log" "$STATE/log/galera-$n.log"
    rm -f "$dir/run/mariadbd.pid"
    local extra=() pos
    [ "$boot" = 1 ] && extra=(--wsrep-new-cluster)
    # After a crash grastate.dat says seqno -1: recover the last committed position from InnoDB
    # (what the galera_recovery script of Debian's systemd unit does), so the node catches up by
    # IST from a peer's gcache instead of copying everything again (SST).
    if grep -q '^seqno: *-1' "$dir/data/grastate.dat" 2>/dev/null; then
        mariadbd --defaults-file="$dir/my.cnf" --wsrep-recover --log-error="$dir/recover.log" >/dev/null 2>&1
        pos=$(sed -n 's/.*WSREP: Recovered position: *\([^ ]*\).*/\1/p' "$dir/recover.log" | tail -1)
        rm -f "$dir/recover.log"
        [ -n "$pos" ] && extra+=(--wsrep-start-position="$pos")
    fi
    setsid mariadbd --defaults-file="$dir/my.cnf" "${extra[@]}" </dev/null >/dev/null 2>&1 &
    wait_galera_synced "$n"
}

# The founding node: node 1 bootstraps a new cluster only when no other node is up (a first
# start, or all were stopped); otherwise it joins like the others.
start_galera() {
    local n boot=1
    for n in 2 3; do galera_up "$n" && boot=0; done
    [ -d "$STATE/galera/1/data/mysql" ] && [ -f "$STATE/galera/1/data/grastate.dat" ] &&
        sed -i 's/^safe_to_bootstrap: 0/safe_to_bootstrap: 1/' "$STATE/galera/1/data/grastate.dat"
    start_galera_node 1 "$boot" || return 1
    start_galera_node 2 || return 1
    start_galera_node 3 || return 1
    # ./sanshe's migrations and `ctl` talk to node 1 through the single-node socket path
    mkdir -p "$STATE/mysql/run"
    ln -sfn "$(galera_sock 1)" "$STATE/mysql/run/mysqld.sock"
}

redis_cli_port() { local p=$1; shift; redis-cli -h 127.0.0.1 -p "$p" --no-auth-warning -a "$(secret redis_password)" "$@"; }

start_redis_node() { # n: node 1 starts as master, the others replicate it
    local n=$1 port dir=$STATE/redis-$1 pw
    port=$(redis_port "$n")
    pw=$(secret redis_password)
    alive "$dir/redis.pid" && return 0
    mkdir -p "$dir"
    local conf=$dir/redis.conf
    if [ ! -f "$conf" ]; then   # Redis and Sentinel rewrite their files after a failover: write once
        {
            echo "bind 127.0.0.1"
            echo "port $port"
            echo "dir $dir"
            echo "pidfile $dir/redis.pid"
            echo "logfile $STATE/log/redis-$n.log"
            echo "daemonize yes"
            echo "appendonly yes"
            echo "appendfsync everysec"
            echo "save \"\""
            echo "maxmemory-policy noeviction"
            echo "requirepass $pw"
            echo "masterauth $pw"
            [ "$n" != 1 ] && echo "replicaof 127.0.0.1 $(redis_port 1)"
        } >"$conf"
        chmod 600 "$conf"
    fi
    redis-server "$conf" || return 1
    local i
    for i in $(seq 1 50); do
        redis_cli_port "$port" ping 2>/dev/null | grep -q PONG && return 0
        sleep 0.1
    done
    echo "Redis $n did not answer within 5 s"; return 1
}

start_sentinel() {
    local n=$1 port dir=$STATE/sentinel-$1 pw
    port=$(sentinel_port "$n")
    pw=$(secret redis_password)
    alive "$dir/sentinel.pid" && return 0
    mkdir -p "$dir"
    local conf=$dir/sentinel.conf
    if [ ! -f "$conf" ]; then
        cat >"$conf" <<EOF
bind 127.0.0.1
port $port
dir $dir
pidfile $dir/sentinel.pid
logfile $STATE/log/sentinel-$n.log
daemonize yes
sentinel monitor $REDIS_MASTER_NAME 127.0.0.1 $(redis_port 1) 2
sentinel auth-pass $REDIS_MASTER_NAME $pw
sentinel down-after-milliseconds $REDIS_MASTER_NAME 1000
sentinel failover-timeout $REDIS_MASTER_NAME 5000
sentinel parallel-syncs $REDIS_MASTER_NAME 1
EOF
        chmod 600 "$conf"
    fi
    redis-server "$conf" --sentinel || return 1
    local i
    for i in $(seq 1 50); do
        redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG && return 0
        sleep 0.1
    done
    echo "Sentinel $n did not answer within 5 s"; return 1
}

start_redis_cluster() {
    local n
    for n in 1 2 3; do start_redis_node "$n" || return 1; done
    for n in 1 2 3; do start_sentinel "$n" || return 1; done
}

cluster_hosts() { # the Galera nodes' SQL addresses, comma-separated
    local n out=""
    for n in 1 2 3; do out="${out:+$out,}127.0.0.1:$(galera_port "$n")"; done
    echo "$out"
}

cluster_sentinels() {
    local n out=""
    for n in 1 2 3; do out="${out:+$out,}127.0.0.1:$(sentinel_port "$n")"; done
    echo "$out"
}

# The config of app host n: the single-node config with the cluster's addresses instead of
# unix sockets, and its own socket.
write_app_config() {
    local n=$1 dir=$STATE/app-$1
    mkdir -p "$dir/run"
    chmod 755 "$dir"   # nginx's workers pass through to run/, which only they and the app may enter
    chown "root:$NGINX_USER" "$dir/run" 2>/dev/null || true
    chmod 750 "$dir/run"
    grep -v -E '^(socket_path|mysql_socket|redis_socket|mysql_timeout_s|redis_timeout_ms) ' "$STATE/sanshe.conf" \
        >"$dir/sanshe.conf.new"
    cat >>"$dir/sanshe.conf.new" <<EOF
# cluster: app host $n
socket_path = $dir/run/sanshe-api.sock
mysql_hosts = $(cluster_hosts)
redis_sentinels = $(cluster_sentinels)
redis_master_name = $REDIS_MASTER_NAME
# a commit waits for the other nodes' certification; three nodes sharing one machine's cores
# need more than the single node's 3 s before a slow reply counts as a lost connection
mysql_timeout_s = 10
redis_timeout_ms = 3000
EOF
    if cmp -s "$dir/sanshe.conf.new" "$dir/sanshe.conf"; then rm -f "$dir/sanshe.conf.new"
    else mv "$dir/sanshe.conf.new" "$dir/sanshe.conf"; fi
}

start_app_host() {
    local n=$1 dir=$STATE/app-$1 bin=$BUILD/cgi-bin/sanshe-api
    write_app_config "$n"
    if alive "$dir/app.pid" && [ ! "$bin" -nt "$dir/app.pid" ] && [ ! "$dir/sanshe.conf" -nt "$dir/app.pid" ]; then
        return 0
    fi
    alive "$dir/app.pid" && stop_pid "$dir/app.pid"
    rm -f "$dir/run/sanshe-api.sock"
    ASAN_OPTIONS=${SANSHE_ASAN_OPTIONS:-${ASAN_OPTIONS:-}} \
        setsid "$bin" "$dir/sanshe.conf" </dev/null >>"$STATE/log/app-$n.log" 2>&1 &
    echo $! >"$dir/app.pid"
    wait_socket "$dir/run/sanshe-api.sock"
}

start_app_hosts() { start_app_host 1 && start_app_host 2; }

cluster_upstream() { # nginx's upstream: both app hosts
    printf 'server unix:%s/app-1/run/sanshe-api.sock max_fails=1 fail_timeout=2s;\n' "$STATE"
    printf 'server unix:%s/app-2/run/sanshe-api.sock max_fails=1 fail_timeout=2s;\n' "$STATE"
}

stop_cluster() {
    local n
    stop_pid "$STATE/run/nginx.pid" 5 QUIT
    stop_pid "$STATE/run/sender.pid" 5
    for n in 1 2; do stop_pid "$STATE/app-$n/app.pid" 6; done
    stop_pid "$STATE/run/fakewx.pid" 3
    for n in 1 2 3; do stop_pid "$STATE/sentinel-$n/sentinel.pid" 5; done
    for n in 3 2 1; do stop_pid "$STATE/redis-$n/redis.pid" 10; done
    # the last node to leave is the one safe to bootstrap from: node 1 last
    for n in 3 2 1; do stop_galera_node "$n"; done
}

# stop_galera_node n: by its pid file; a node still joining has written none yet, so the
# process started with this node's config is found by its command line, and stopped too
stop_galera_node() {
    local n=$1 cnf=$STATE/galera/$1/my.cnf p i
    stop_pid "$STATE/galera/$n/run/mariadbd.pid" 30
    for p in $(pgrep -f -- "--defaults-file=$cnf( |\$)"); do
        kill -TERM "$p" 2>/dev/null || continue
        for i in $(seq 1 200); do running "$p" || break; sleep 0.05; done
        running "$p" && kill -KILL "$p" 2>/dev/null
    done
    return 0
}

status_cluster() {
    local n
    for n in 1 2 3; do
        if alive "$STATE/galera/$n/run/mariadbd.pid"; then
            printf '  galera-%s  running (%s, cluster size %s)\n' "$n" "$(galera_state "$n")" \
                "$(galera_sql "$n" -N -e "SHOW STATUS LIKE 'wsrep_cluster_size'" 2>/dev/null | cut -f2)"
        else printf '  galera-%s  stopped\n' "$n"; fi
    done
    for n in 1 2 3; do
        if alive "$STATE/redis-$n/redis.pid"; then
            printf '  redis-%s   running (%s)\n' "$n" "$(redis_cli_port "$(redis_port "$n")" role 2>/dev/null | head -1)"
        else printf '  redis-%s   stopped\n' "$n"; fi
    done
    for n in 1 2 3; do
        if alive "$STATE/sentinel-$n/sentinel.pid"; then printf '  sentinel-%s running\n' "$n"
        else printf '  sentinel-%s stopped\n' "$n"; fi
    done
    for n in 1 2; do
        if alive "$STATE/app-$n/app.pid"; then printf '  app-%s     running (pid %s)\n' "$n" "$(cat "$STATE/app-$n/app.pid")"
        else printf '  app-%s     stopped\n' "$n"; fi
    done
}
