#!/usr/bin/env bash
# Deployment test: the example site, built for a sub-path, served by a real
# nginx with the configuration docs/deploy.md gives (docs/examples/nginx.conf),
# and crawled: every page and every internal link once, fragments, content
# types, gzip for the JSON files, the 404 page (tests/deploy/crawl.py).
#
# Needs nginx (Debian: apt-get install nginx-light) and python3.
# Usage: bash tests/deploy/run.sh   (CROSSCHECK_BIN overrides the binary)
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
bin=${CROSSCHECK_BIN:-$repo/target/release/crosscheck}
nginx=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx" ] || { echo "error: nginx not found (apt-get install nginx-light)" >&2; exit 1; }

tmp=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill "$pid"; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
# nginx's workers run as another user: they must be able to read the site.
chmod 755 "$tmp"

# A free port on the loopback interface.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sub=/factchecks/
base="http://127.0.0.1:$port$sub"

# The example, with base_url where nginx serves it, so canonical links,
# og:image and oEmbed are absolute and followed too.
mkdir -p "$tmp/project"
cp -r "$repo/content" "$tmp/project/content"
[ -d "$repo/templates" ] && cp -r "$repo/templates" "$tmp/project/templates"
sed -i "s|^base_url = .*|base_url = \"$base\"|" "$tmp/project/content/site.toml"
grep -q "^base_url = \"$base\"" "$tmp/project/content/site.toml"
"$bin" build --quiet --root "$tmp/project" --out "$tmp/site"
chmod -R a+rX "$tmp/site"

# The documented location block, pointed at this build.
mime=/etc/nginx/mime.types
[ -f "$mime" ] || { echo "error: $mime not found" >&2; exit 1; }
location=$(sed "s|/srv/factchecks/site/|$tmp/site/|" "$repo/docs/examples/nginx.conf")
cat > "$tmp/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $tmp/nginx.pid;
error_log $tmp/error.log warn;
events { worker_connections 64; }
http {
  include $mime;
  default_type application/octet-stream;
  access_log off;
  client_body_temp_path $tmp/client_body;
  proxy_temp_path $tmp/proxy;
  fastcgi_temp_path $tmp/fastcgi;
  uwsgi_temp_path $tmp/uwsgi;
  scgi_temp_path $tmp/scgi;
  server {
    listen 127.0.0.1:$port;
    server_name localhost;
$(echo "$location" | sed "s|include mime.types;|include $mime;|")
  }
}
EOF
"$nginx" -t -q -p "$tmp" -c "$tmp/nginx.conf"
"$nginx" -p "$tmp" -c "$tmp/nginx.conf" &
pid=$!
for _ in $(seq 1 50); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null && break
  sleep 0.1
done

python3 "$repo/tests/deploy/crawl.py" "$base" "$tmp/site"
