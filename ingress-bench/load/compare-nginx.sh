#!/usr/bin/env bash
# Load comparison on one machine: nginx as the backend, then nginx (as ingress-nginx configures it:
# keep-alive upstream) and jingress.jar (file mode) as reverse proxies in front of that same backend.
# wrk drives the backend directly and the two proxies in alternation, after a warm-up, and the
# script prints requests/s and p50/p99 latency of each, with the ratio jingress/nginx.
#
# Traffic goes to 127.0.0.1 only. Every process started here is stopped on exit.
#
#   bash ingress-bench/load/compare-nginx.sh [--duration 15] [--rounds 3] [--connections 50] [--threads 2]
#                                            [--body-bytes N] [--nginx-buffering off|on] [--post-bytes N] [--tls]
#                                            [--h2 [--streams N]]
#
# The backend answers a 24-byte text, or with --body-bytes a file of N bytes (larger answers
# measure streaming through the proxy rather than per-request overhead). nginx proxies without
# buffering responses, ingress-nginx's default (proxy-buffering: off); --nginx-buffering on gives
# it plain nginx's default instead (buffers of 8 x 4 KB, then a temporary file). --post-bytes N
# sends every request as a POST with a body of N bytes (with the fixed answer only: nginx refuses
# a POST to a file). --tls puts both proxies behind TLS (a self-signed P-256 certificate for
# nginx, with ingress-nginx's protocols TLSv1.2 TLSv1.3; Jingress's default certificate; HTTP/1.1):
# wrk keeps its connections, so this measures encryption per request, not handshakes. --h2 is
# --tls with HTTP/2 to the proxies (nginx's listen gets http2, Jingress offers h2 by ALPN as it
# always does): h2load drives them instead of wrk, --streams N concurrent streams on each of the
# connections (default 1), and p50/p99 come from its per-request log. The backend is still driven
# by wrk over HTTP/1.1, and both proxies still speak HTTP/1.1 to it.
#
# JINGRESS_JAVA_OPTS replaces the JVM options of jingress (default below: the parallel collector
# and a fixed 1 GiB heap, which took 10-15% less CPU per request than the default G1 here);
# JINGRESS_JAR runs another build of jingress.jar (to compare two builds in the same conditions).
# BENCH_PORT_BASE moves the four loopback ports (default 18080..18083) off ports already taken.
set -euo pipefail

duration=15
rounds=3
connections=50
threads=2
warmup=5
body_bytes=
post_bytes=
tls=
h2=
streams=1
nginx_buffering=off
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --body-bytes) body_bytes=$2; shift 2 ;;
    --nginx-buffering) nginx_buffering=$2; shift 2 ;;
    --post-bytes) post_bytes=$2; shift 2 ;;
    --tls) tls=1; shift ;;
    --h2) h2=1; tls=1; shift ;;
    --streams) streams=$2; shift 2 ;;
    -h|--help) sed -n '2,29p' "$0"; exit 0 ;;
    *) echo "compare-nginx.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

if [ -n "$h2" ] && [ -n "$post_bytes" ]; then
  echo "compare-nginx.sh: --post-bytes is sent by wrk, which does not speak HTTP/2" >&2
  exit 2
fi
if [ -n "$post_bytes" ] && [ -n "$body_bytes" ]; then
  echo "compare-nginx.sh: --post-bytes works with the fixed answer only, not with --body-bytes" >&2
  exit 2
fi

java_opts=${JINGRESS_JAVA_OPTS--XX:+UseParallelGC -Xms1g -Xmx1g}
repo=$(cd "$(dirname "$0")/../.." && pwd)
jar=${JINGRESS_JAR:-$repo/examples/target/jingress.jar}
port_base=${BENCH_PORT_BASE:-18080}
backend_port=$port_base
nginx_port=$((port_base + 1))
jingress_port=$((port_base + 2))
jingress_admin=$((port_base + 3))
host=bench.jingress.local

need() { command -v "$1" >/dev/null 2>&1; }
if ! need nginx || ! need wrk; then
  echo "installing nginx and wrk with apt-get"
  apt-get update -qq && apt-get install -y -qq nginx wrk >/dev/null
fi
if [ -n "$h2" ] && ! need h2load; then
  echo "installing h2load (nghttp2-client) with apt-get"
  apt-get update -qq && apt-get install -y -qq nghttp2-client >/dev/null
fi
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
if [ ! -f "$jar" ]; then
  echo "building $jar"
  (cd "$repo" && mvn -B -q -DskipTests package)
fi

work=$(mktemp -d /tmp/jingress-load.XXXXXX)
pids=()
cleanup() {
  for conf in backend proxy; do
    if [ -f "$work/$conf.pid" ]; then kill "$(cat "$work/$conf.pid")" 2>/dev/null || true; fi
  done
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

mkdir -p "$work/logs" "$work/www"
# wrk sends GETs, or with --post-bytes POSTs of that many bytes (a Lua script sets method and body)
wrk_script=()
if [ -n "$post_bytes" ]; then
  printf 'wrk.method = "POST"\nwrk.body = string.rep("x", %d)\nwrk.headers["Content-Type"] = "application/octet-stream"\n' \
    "$post_bytes" > "$work/post.lua"
  wrk_script=(-s "$work/post.lua")
fi
# --tls: the proxies' URLs are https; nginx gets a self-signed certificate
nginx_listen_tls=
if [ -n "$tls" ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj "/CN=$host" \
    -keyout "$work/tls.key" -out "$work/tls.crt" 2>/dev/null
  # ingress-nginx's default protocols; nginx 1.22's own default leaves TLS 1.3 out
  nginx_listen_tls=" ssl${h2:+ http2}; ssl_certificate $work/tls.crt; ssl_certificate_key $work/tls.key; ssl_protocols TLSv1.2 TLSv1.3"
fi
url_of() { # PORT -> the URL wrk and curl use for it
  if [ -n "$tls" ] && [ "$1" != "$backend_port" ]; then echo "https://127.0.0.1:$1/"; else echo "http://127.0.0.1:$1/"; fi
}
# The backend: a fixed small body, as a stand-in for a fast Pod; or a file of --body-bytes bytes.
if [ -n "$body_bytes" ]; then
  head -c "$body_bytes" /dev/urandom > "$work/www/body"
  chmod a+rx "$work" "$work/www" && chmod a+r "$work/www/body"  # nginx's workers run as another user
  answer="default_type application/octet-stream; root $work/www; try_files /body =404;"
  expected_size=$body_bytes
else
  answer="default_type text/plain; return 200 \"You've hit kubia-bench0\\n\";"
  expected_size=24
fi
cat > "$work/backend.conf" <<CONF
worker_processes 1;
pid $work/backend.pid;
error_log $work/logs/backend-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 100000;
  server {
    listen 127.0.0.1:$backend_port;
    location = / { $answer }
  }
}
CONF
# nginx as an ingress: keep-alive upstream, HTTP/1.1 to the backend, responses not buffered
# (ingress-nginx's default proxy-buffering: off), as ingress-nginx configures it.
cat > "$work/proxy.conf" <<CONF
worker_processes 1;
pid $work/proxy.pid;
error_log $work/logs/proxy-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 100000;
  upstream kubia { server 127.0.0.1:$backend_port; keepalive 320; keepalive_requests 100000; }
  server {
    listen 127.0.0.1:$nginx_port$nginx_listen_tls;
    server_name $host;
    location / {
      proxy_http_version 1.1;
      proxy_buffering $nginx_buffering;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Real-IP \$remote_addr;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_pass http://kubia;
    }
  }
}
CONF
# The IngressClass makes the Ingress ours: without it (or --watch-ingress-without-class) the
# Ingress is ignored and every request gets 404.
cat > "$work/routes.yaml" <<YAML
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: jingress}
spec: {controller: jingress.io/ingress-controller}
---
apiVersion: v1
kind: Service
metadata: {name: kubia, namespace: default}
spec:
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Endpoints
metadata: {name: kubia, namespace: default}
subsets:
- addresses: [{ip: 127.0.0.1}]
  ports: [{port: $backend_port}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: bench, namespace: default}
spec:
  ingressClassName: jingress
  rules:
  - host: $host
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: kubia, port: {number: 80}}}}
YAML

"$nginx_bin" -p "$work" -c "$work/backend.conf"
"$nginx_bin" -p "$work" -c "$work/proxy.conf"
if [ -n "$tls" ]; then
  jingress_listeners=(--http-port 0 --https-port "$jingress_port")
else
  jingress_listeners=(--http-port "$jingress_port" --https-port off)
fi
java $java_opts -jar "$jar" --manifests "$work/routes.yaml" "${jingress_listeners[@]}" \
  --admin-port "$jingress_admin" > "$work/logs/jingress.log" 2>&1 &
jingress_pid=$!
pids+=($jingress_pid)

wait_for() { # url host
  for _ in $(seq 1 200); do
    if curl -s -k -o /dev/null -H "Host: $2" "$1"; then return 0; fi
    sleep 0.1
  done
  echo "compare-nginx.sh: $1 did not answer; logs in $work/logs" >&2
  cat "$work/logs/"*.log >&2 || true
  exit 1
}
wait_for "http://127.0.0.1:$backend_port/" "$host"
wait_for "$(url_of "$nginx_port")" "$host"
wait_for "$(url_of "$jingress_port")" "$host"
for port in $backend_port $nginx_port $jingress_port; do
  size=$(curl -s -k -o /dev/null -w '%{http_code} %{size_download}' -H "Host: $host" "$(url_of "$port")")
  [ "$size" = "200 $expected_size" ] || { echo "unexpected answer from port $port: $size" >&2; exit 1; }
done

# CPU time in clock ticks (user, then system) and context switches, so far, of the processes in the
# arguments, all their threads. Switches of threads that ended meanwhile are not counted (a
# proxy's threads live as long as it does).
counters() {
  local user=0 system=0 switches=0 pid u s
  for pid in "$@"; do
    read -r u s < <(awk '{print $14, $15}' "/proc/$pid/stat")
    user=$((user + u)); system=$((system + s))
    switches=$((switches + $(cat /proc/"$pid"/task/*/status 2>/dev/null \
      | awk '/^(non)?voluntary_ctxt_switches:/ {n += $2} END {print n + 0}')))
  done
  echo "$user $system $switches"
}
tick=$(getconf CLK_TCK)

# per_request TOTAL BEFORE AFTER -> "cpu_us user_us sys_us switches" per request, from two counters
per_request() {
  awk -v t="$tick" -v n="$1" -v a="$2" -v b="$3" 'BEGIN {
    split(a, x, " "); split(b, y, " "); us = 1e6 / t / n
    printf "%.1f %.1f %.1f %.2f", (y[1] - x[1] + y[2] - x[2]) * us, (y[1] - x[1]) * us, (y[2] - x[2]) * us, (y[3] - x[3]) / n }'
}

# run_wrk NAME PORT SECONDS PID... -> appends "name rps p50ms p99ms errors cpu_us user_us sys_us
# switches" (the last four per request) to $work/results. The CPU the target's processes spent per
# request moves far less than requests/s when other work shares the machine, so it is the steadier
# measure of a proxy's own cost; user, system and context switches say where that CPU goes.
run_wrk() {
  local name=$1 port=$2 seconds=$3; shift 3
  local out before after
  before=$(counters "$@")
  out=$(wrk -t"$threads" -c"$connections" -d"$seconds"s --latency "${wrk_script[@]}" -H "Host: $host" \
    "$(url_of "$port")")
  after=$(counters "$@")
  local rps p50 p99 errors non2xx total per_request
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errors=$(awk '/Socket errors:/ {gsub(",", ""); s=0; for (i=4;i<=NF;i+=2) s+=$i; print s}' <<<"$out")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' <<<"$out")
  total=$(awk '/requests in/ {print $1}' <<<"$out")
  per_request=$(per_request "$total" "$before" "$after")
  echo "$name $rps $(to_ms "$p50") $(to_ms "$p99") $(( ${errors:-0} + ${non2xx:-0} )) $per_request" >> "$work/results"
}
# h2load's connections, streams, threads and host, for the warm-up and the rounds alike
h2load_load=(-c "$connections" -m "$streams" -t "$threads" -H ":authority: $host")
# run_h2load NAME PORT SECONDS PID...: as run_wrk, with h2load over HTTP/2; p50 and p99 from the
# per-request log (its third column: the request's time in microseconds).
run_h2load() {
  local name=$1 port=$2 seconds=$3; shift 3
  local out before after
  before=$(counters "$@")
  out=$(h2load -D "$seconds" "${h2load_load[@]}" --log-file "$work/h2load.log" "$(url_of "$port")")
  after=$(counters "$@")
  local rps p50 p99 errors total per_request
  rps=$(awk '/^finished in/ {print $4}' <<<"$out")
  total=$(awk '/^requests:/ {print $2}' <<<"$out")
  errors=$(awk '/^requests:/ {print $10 + $12 + $14} /^status codes:/ {print $5 + $7 + $9}' <<<"$out" \
    | awk '{s += $1} END {print s + 0}')
  read -r p50 p99 < <(sort -n -k3,3 "$work/h2load.log" | awk '{d[NR]=$3} END {
    printf "%.2f %.2f\n", d[int(NR*0.5)+1]/1000, d[int(NR*0.99)+1]/1000 }')
  per_request=$(per_request "$total" "$before" "$after")
  echo "$name ${rps%.*} $p50 $p99 $errors $per_request" >> "$work/results"
}
# the proxies' load: wrk, or h2load with --h2
run_proxy() {
  if [ -n "$h2" ]; then run_h2load "$@"; else run_wrk "$@"; fi
}
to_ms() { # wrk prints 1.23ms, 456.00us, 1.02s
  awk -v v="$1" 'BEGIN { n=v+0; if (v ~ /us$/) n/=1000; else if (v ~ /ms$/) n=n; else if (v ~ /s$/) n*=1000; printf "%.2f", n }'
}

echo "machine: $(nproc) cores; $(java -version 2>&1 | head -1); $("$nginx_bin" -v 2>&1)"
echo "jingress JVM options: ${java_opts:-(none)}"
echo "response body: $expected_size bytes; nginx proxy_buffering $nginx_buffering"
if [ -n "$post_bytes" ]; then echo "requests: POST with a body of $post_bytes bytes"; fi
if [ -n "$tls" ]; then echo "proxies behind TLS (the backend is reached in plain HTTP)"; fi
if [ -n "$h2" ]; then echo "proxies driven over HTTP/2 by h2load: $connections connections, $streams streams each"; fi
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
backend_workers=$(pgrep -P "$(cat "$work/backend.pid")" | tr '\n' ' ')
proxy_workers=$(pgrep -P "$(cat "$work/proxy.pid")" | tr '\n' ' ')
echo "warm-up: ${warmup}s each"
for port in $backend_port $nginx_port $jingress_port; do
  if [ -n "$h2" ] && [ "$port" != "$backend_port" ]; then
    h2load -D "$warmup" "${h2load_load[@]}" "$(url_of "$port")" > /dev/null
  else
    wrk -t"$threads" -c"$connections" -d"$warmup"s "${wrk_script[@]}" -H "Host: $host" "$(url_of "$port")" \
      > /dev/null
  fi
done
: > "$work/results"
for round in $(seq 1 "$rounds"); do
  echo "round $round of $rounds: ${duration}s each, ${h2:+h2load -m$streams for the proxies, }wrk -t$threads -c$connections"
  run_wrk backend $backend_port "$duration" $backend_workers
  run_proxy nginx $nginx_port "$duration" $proxy_workers
  run_proxy jingress $jingress_port "$duration" $jingress_pid
done

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'; }
printf '\n%-9s %12s %8s %8s %7s %11s %8s %8s %10s\n' target "req/s (med)" "p50 ms" "p99 ms" errors \
  "CPU us/req" "user us" "sys us" "switches"
column() { awk -v n="$name" -v c="$1" '$1==n {print $c}' "$work/results" | median; }  # of target $name
for name in backend nginx jingress; do
  rps=$(column 2)
  err=$(awk -v n=$name '$1==n {s+=$5} END {print s+0}' "$work/results")
  cpu=$(column 6)
  printf '%-9s %12s %8s %8s %7s %11s %8s %8s %10s\n' "$name" "$rps" "$(column 3)" "$(column 4)" "$err" "$cpu" \
    "$(column 7)" "$(column 8)" "$(column 9)"
  eval "rps_$name=$rps"
  eval "cpu_$name=$cpu"
done
echo "(medians of the rounds; CPU, user and sys in microseconds, and context switches, per request)"
awk -v j="$rps_jingress" -v n="$rps_nginx" 'BEGIN { printf "\njingress/nginx requests/s: %.2f\n", j/n }'
awk -v j="$cpu_jingress" -v n="$cpu_nginx" 'BEGIN { printf "jingress/nginx CPU per request: %.1f\n", j/n }'
awk -v n="$rps_nginx" 'BEGIN { printf "per-round ratios:" } $1=="nginx" {ng=$2} $1=="jingress" {printf " %.2f", $2/ng} END {print ""}' "$work/results"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "per-round figures (target req/s p50 p99 errors cpu_us user_us sys_us switches, the last four per request):"; cat "$work/results"
