#!/bin/sh
# airbyte-wrapper.sh OPERATION: prints the shell script that Airbyte's workload launcher would run
# in a connector container for OPERATION, for .ci/docker-check to pass to `sh -c`:
#
#   docker run --entrypoint sh --user 1000:1000 -v DIR:/config -w /config IMAGE \
#     -c "$(.ci/airbyte-wrapper.sh check)"
#
# OPERATION is spec, check or discover (working dir /config: connectionConfiguration.json in,
# jobOutput.json out), read (working dir /source: connectorConfig.json, catalog.json and, when
# present, inputState.json in; messages out on the named pipe ./stdout, logs on ./stderr) or
# write (working dir /dest: connectorConfig.json and catalog.json in, messages in on the named
# pipe ./stdin, echoed states out on ./stdout, logs on ./stderr).
#
# What the script does, like the launcher's (airbyte-platform, ContainerCommandFactory.kt):
# exits 127 when $AIRBYTE_ENTRYPOINT is empty; otherwise evals
# "$AIRBYTE_ENTRYPOINT <operation> <args>" in the background, polls for a TERMINATED marker file
# with sleep (and kills the connector when it appears), waits for the connector, writes its exit
# code to a temporary file and mvs that to exitCode.txt in the working dir, and exits with it.
# So the image needs sh, sleep, kill, mv (and, for the platform's other containers, touch and
# cat) on PATH, and a working dir that uid 1000 can write.
#
# Environment: TERMINATION_POLL_SECONDS (default 1; the launcher polls every 10 s).
set -eu

op=${1:?usage: airbyte-wrapper.sh spec|check|discover|read|write}
poll=${TERMINATION_POLL_SECONDS:-1}

case "$op" in
  spec)
    run='eval "$AIRBYTE_ENTRYPOINT spec" > /config/jobOutput.json' ;;
  check | discover)
    run='eval "$AIRBYTE_ENTRYPOINT '"$op"' --config /config/connectionConfiguration.json" > /config/jobOutput.json' ;;
  read)
    run='if [ -f /source/inputState.json ]; then
    eval "$AIRBYTE_ENTRYPOINT read --config /source/connectorConfig.json --catalog /source/catalog.json --state /source/inputState.json" 2> stderr > stdout
  else
    eval "$AIRBYTE_ENTRYPOINT read --config /source/connectorConfig.json --catalog /source/catalog.json" 2> stderr > stdout
  fi' ;;
  write)
    run='eval "$AIRBYTE_ENTRYPOINT write --config /dest/connectorConfig.json --catalog /dest/catalog.json" 2> stderr > stdout < stdin' ;;
  *)
    echo "airbyte-wrapper.sh: unknown operation '$op'; want spec, check, discover, read or write" >&2
    exit 2 ;;
esac

cat <<EOF
if [ -z "\$AIRBYTE_ENTRYPOINT" ]; then
  echo "wrapper: AIRBYTE_ENTRYPOINT is empty; the image must set it to the connector's absolute path"
  exit 127
fi
echo "wrapper: running \$AIRBYTE_ENTRYPOINT $op"

(
  $run
) &
connector=\$!

(
  while true; do
    if [ -f TERMINATED ]; then
      echo "wrapper: TERMINATED marker found; stopping the connector"
      kill \$connector
      exit 0
    fi
    sleep $poll
  done
) &

wait \$connector
code=\$?
echo "\$code" > exitCode.txt.tmp
mv exitCode.txt.tmp exitCode.txt
echo "wrapper: connector exited \$code"
exit "\$code"
EOF
