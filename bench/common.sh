# Sourced by the bench scripts, from the project's root: a release build
# (`$bin`), a work folder (`$work`) removed at exit with the server whose
# process is `$pid` (set it when starting one), and `wait_for_url FILE`.
cargo build --release --quiet --bin threadview
bin=./target/release/threadview
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# Waits (a minute at most) until a server started with its stdout in FILE
# says its address.
wait_for_url() {
  for _ in $(seq 600); do [ -s "$1" ] && return 0; sleep 0.1; done
  echo "no address from the server in $1" >&2
  return 1
}
