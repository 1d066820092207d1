#!/usr/bin/env bash
# sync.sh: one HubSpot -> Insider One sync without Airbyte, e.g. from cron.
#
#   scripts/sync.sh DIR
#
# DIR holds source_config.json and destination_config.json (the connectors' configs), and the
# sync keeps its files there too (the same names as the demo's output folder):
#   catalog.json  the configured catalog. When it is missing, the first run writes one from the
#                 source's discover: `contacts`, every stream destination_config.json maps in
#                 event_mappings, and `list_memberships` when it sets audience_attribute, all
#                 incremental. Edit it to drop contact properties you do not need.
#   state.json    the last STATE the destination echoed for each stream; the next run reads only
#                 what changed since. Written only when both connectors exit 0, through a
#                 temporary file and mv, so a failed or killed run never leaves a half-written
#                 or advanced state.
#   logs/<UTC time>.XXXX/   each run's messages (all but the records) and stderr; the path is
#                 printed. The newest LOG_RUNS_KEPT (default 30) runs' folders are kept.
#
# Progress goes to stderr: the connectors' LOG messages (the destination's per-record "record
# skipped" warnings only in the log folder) and every TRACE error. Exit status: 0 when both
# connectors succeeded, else the failing connector's status (the source's first); 2 for a usage
# error; 75 when another sync of DIR is running.
#
# The connectors run as containers (`docker run`, as the caller's uid:gid, DIR mounted read-only
# at /data), or as binaries when SOURCE_BIN and DESTINATION_BIN are set. Environment:
#   SOURCE_IMAGE       default insider-hubspot/source-hubspot:0.2.0
#   DESTINATION_IMAGE  default insider-hubspot/destination-insider:0.2.0
#   DOCKER_RUN_ARGS    more `docker run` arguments for both containers, e.g. "--network host"
#   SOURCE_BIN, DESTINATION_BIN   paths of built binaries to run instead of the images
# Needs bash, jq and, for the images, docker.
set -euo pipefail

say() { echo "sync: $*" >&2; }
usage() { say "usage: $0 DIR (DIR holds source_config.json and destination_config.json)"; exit 2; }

[ $# -eq 1 ] || usage
[ -d "$1" ] || { say "$1 is not a folder"; usage; }
dir=$(cd "$1" && pwd)
for f in source_config.json destination_config.json; do
  [ -r "$dir/$f" ] || { say "$dir/$f is missing or unreadable"; usage; }
done
command -v jq >/dev/null || { say "jq is not installed (it saves the state)"; exit 2; }
keep=${LOG_RUNS_KEPT:-30}
[[ $keep =~ ^[1-9][0-9]*$ ]] || { say "LOG_RUNS_KEPT=$keep: give how many runs' logs to keep, 1 or more"; exit 2; }

# One sync of DIR at a time: a second cron start while the first still runs would read the same
# window and race it for state.json.
if command -v flock >/dev/null; then
  exec 9>"$dir/.sync.lock"
  flock -n 9 || { say "another sync of $dir is running"; exit 75; }
fi

# source and destination are the commands that start each connector; cfg is where the
# connector sees DIR.
if [ -n "${SOURCE_BIN:-}" ] || [ -n "${DESTINATION_BIN:-}" ]; then
  if [ ! -x "${SOURCE_BIN:-}" ] || [ ! -x "${DESTINATION_BIN:-}" ]; then
    say "SOURCE_BIN and DESTINATION_BIN must both name executables"; exit 2
  fi
  source=("$SOURCE_BIN")
  destination=("$DESTINATION_BIN")
  cfg=$dir
else
  command -v docker >/dev/null || { say "docker is not installed (or set SOURCE_BIN and DESTINATION_BIN)"; exit 2; }
  read -r -a extra <<<"${DOCKER_RUN_ARGS:-}"
  run=(docker run --rm --user "$(id -u):$(id -g)" -v "$dir:/data:ro" "${extra[@]}")
  source=("${run[@]}" "${SOURCE_IMAGE:-insider-hubspot/source-hubspot:0.2.0}")
  destination=("${run[@]}" -i "${DESTINATION_IMAGE:-insider-hubspot/destination-insider:0.2.0}")
  cfg=/data
fi

mkdir -p "$dir/logs"
logs=$(mktemp -d "$dir/logs/$(date -u +%Y%m%dT%H%M%SZ).XXXX")
say "logs of this run: $logs"
# Only the newest LOG_RUNS_KEPT runs' logs stay.
printf '%s\n' "$dir"/logs/*/ | head -n "-$keep" | xargs -r -d '\n' rm -rf

# show NAME: the LOG messages and TRACE errors among the messages on stdin, as text on stderr
# (lines that are not JSON are skipped).
show() {
  jq -R --unbuffered -r --arg who "$1" 'fromjson? |
    if .type == "LOG" and (.log.message | startswith("record skipped") | not) then
      "\($who): \(.log.level) \(.log.message)"
    elif .type == "TRACE" and .trace.type == "ERROR" then
      "\($who): ERROR \(.trace.error.message)"
    else empty end' >&2 || true
}
# progress NAME: show NAME, keeping every message but the records in $logs/NAME.jsonl.
progress() { grep --line-buffered -v '^{"type":"RECORD"' | tee -a "$logs/$1.jsonl" | show "$1"; }

if [ ! -e "$dir/catalog.json" ]; then
  say "no catalog.json: writing one from the source's discover"
  rc=0
  "${source[@]}" discover --config "$cfg/source_config.json" 2>"$logs/discover.stderr" >"$logs/discover.jsonl" || rc=$?
  show discover <"$logs/discover.jsonl"
  [ "$rc" = 0 ] || { say "discover failed (exit $rc): see above and $logs"; exit "$rc"; }
  jq -s --slurpfile dest "$dir/destination_config.json" '
    (["contacts"] + [$dest[0].event_mappings[]?.stream]
     + (if ($dest[0].audience_attribute // "") != "" then ["list_memberships"] else [] end)) as $mapped
    | {streams: [.[] | select(.type == "CATALOG") | .catalog.streams[]
        | select(.name as $n | any($mapped[]; . == $n))
        | {stream: ., sync_mode: "incremental", cursor_field: .default_cursor_field,
           destination_sync_mode: "append_dedup", primary_key: .source_defined_primary_key}]}' \
    "$logs/discover.jsonl" >"$dir/catalog.json.tmp"
  mv "$dir/catalog.json.tmp" "$dir/catalog.json"
  say "catalog.json selects: $(jq -r '[.streams[].stream.name] | join(", ")' "$dir/catalog.json")"
fi

state=()
if [ -s "$dir/state.json" ]; then
  state=(--state "$cfg/state.json")
  say "reading the changes since state.json"
else
  say "no state.json: this first run reads everything (from start_date, if set)"
fi

# The source's messages go to the destination and, through a named pipe, to progress.
mkfifo "$logs/.source-messages"
progress source <"$logs/.source-messages" &
shown=$!
set +e
"${source[@]}" read --config "$cfg/source_config.json" --catalog "$cfg/catalog.json" "${state[@]}" 2>"$logs/source.stderr" |
  tee "$logs/.source-messages" |
  "${destination[@]}" write --config "$cfg/destination_config.json" --catalog "$cfg/catalog.json" 2>"$logs/destination.stderr" |
  progress destination
codes=("${PIPESTATUS[@]}")
set -e
wait "$shown" || true
rm -f "$logs/.source-messages"
src_rc=${codes[0]} dst_rc=${codes[2]}

if [ "$src_rc" != 0 ] || [ "$dst_rc" != 0 ]; then
  for f in source.stderr destination.stderr; do
    if [ -s "$logs/$f" ]; then say "$f:"; tail -5 "$logs/$f" >&2; fi
  done
  say "FAILED: source exited $src_rc, destination exited $dst_rc; state.json is unchanged, so the next run retries from it (logs: $logs)"
  # A source killed by the broken pipe (141) only tells that the destination stopped first.
  if [ "$src_rc" != 0 ] && { [ "$src_rc" != 141 ] || [ "$dst_rc" = 0 ]; }; then exit "$src_rc"; fi
  exit "$dst_rc"
fi

# The state: the last STATE echoed for each stream, as a JSON array, never an empty one.
if jq -s '[.[] | select(.type == "STATE") | .state] | group_by(.stream.stream_descriptor) | map(last)
          | if length == 0 then error("no state echoed") else . end' \
    "$logs/destination.jsonl" >"$dir/state.json.tmp" 2>/dev/null; then
  mv "$dir/state.json.tmp" "$dir/state.json"
  say "done; state.json saved: $(jq -r 'map(.stream.stream_descriptor.name + " " + ((.stream.stream_state // {})
    | to_entries | map(select(.value | type == "string") | "\(.key)=\(.value)") | join(" "))) | join("; ")' "$dir/state.json")"
else
  rm -f "$dir/state.json.tmp"
  say "done; the destination echoed no state (a dry run?), so state.json is unchanged"
fi
