#!/bin/sh
# Every container of the image starts here (Dockerfile ENTRYPOINT), then runs its command.
#
# The metrics directory (PROMETHEUS_MULTIPROC_DIR, README "Metrics") is shared by the web
# and worker containers; each process writes its samples to files named after its host and
# process id (expo/core/metrics.py). A container starting again begins with none of its
# previous run's files, as prometheus_client asks, and leaves the other containers' alone.
set -e
if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
    mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
    find "$PROMETHEUS_MULTIPROC_DIR" -maxdepth 1 -name "*_$(uname -n | tr _ -)-*.db" -delete
fi
exec "$@"
