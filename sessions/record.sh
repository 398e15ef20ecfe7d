#!/bin/sh
# Records the sample session store, sessions/samples.sqlite, from examples/.
# `make sessions` builds sluice first, then runs this script; SampleSessionTests replays
# every session in the store with --verify semantics.
#
# Each sample is one lesson run in batch mode followed by `.save NAME`: in batch mode
# nothing is recorded until `.save`, which stores every cell executed so far under NAME.
set -eu
cd "$(dirname "$0")/.."

SLUICE="${SLUICE:-$(swift build --show-bin-path)/sluice}"
STORE=sessions/samples.sqlite

# name  lesson
SAMPLES="
lesson-01 01-backpressure-propagates
lesson-03 03-credit-trace
lesson-08 08-join-amplification
"

rm -f "$STORE" "$STORE-wal" "$STORE-shm"
echo "$SAMPLES" | while read -r name lesson; do
    [ -n "$name" ] || continue
    NO_COLOR=1 "$SLUICE" --db "$STORE" "examples/$lesson.sql" -c ".save $name" | tail -n 1
done
"$SLUICE" sessions --db "$STORE"
# A replay must reproduce every cell; check before anyone commits the store.
echo "$SAMPLES" | while read -r name lesson; do
    [ -n "$name" ] || continue
    "$SLUICE" replay "$name" --db "$STORE" --verify | tail -n 1
done
# Every connection is closed and the write-ahead log is empty: the store is one file.
if [ ! -s "$STORE-wal" ]; then rm -f "$STORE-wal" "$STORE-shm"; fi
