#!/usr/bin/env bash
# The whole test suite on SQLite, then again on PostgreSQL the tests whose outcome the database
# decides (Category=Storage), on a throw-away server this script starts and removes. The
# multi-process tests use that server too.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --tests || exit 1
server=$(scripts/postgres.sh start) || exit 1
dir=$(head -n 1 <<<"$server")
export ERAS_TEST_POSTGRES=$(tail -n 1 <<<"$server")
# The videos the tests make with FFmpeg, made once for both test projects and both passes (tests/ErasWeb.Tests/Support/TestVideos.cs).
export ERAS_TEST_CACHE=$(mktemp -d)
trap 'scripts/postgres.sh stop "$dir"; rm -rf "$ERAS_TEST_CACHE"' EXIT

# The runtime's profile-guided tier (instrumenting hot methods, then compiling them again) pays off in a
# process that runs for hours; the suite's processes live seconds to minutes, and in a multi-process test
# up to half of an app's CPU went to that recompiling. Off for the tests only: the code runs the same.
export DOTNET_TieredPGO=0

# In Release, as the app ships; built once for both test projects and both passes. The compiler server compiles
# the four projects in one warm process (10-14 s less on 2 cores than a compiler process each, which an environment
# may ask for with UseSharedCompilation=false); it is shut down right after, so the build leaves nothing running.
dotnet build ErasWeb.sln -c Release -nologo -v quiet -p:UseSharedCompilation=true
built=$?
dotnet build-server shutdown --vbcscompiler >/dev/null 2>&1
[ "$built" -eq 0 ] || exit 1
# At the priority the app gives FFmpeg (BelowNormal, nice 10): run above it, the tests' own work would
# starve the video jobs they wait for whenever the cores are busy. One run after another: side by side
# they took longer (more threads than cores, each waiting on the others' work).
nice -n 10 dotnet test tests/ErasWeb.Browser -c Release --no-build
browser=$?
nice -n 10 dotnet test tests/ErasWeb.Tests -c Release --no-build --filter "Database!=postgres"
sqlite=$?
echo "The storage tests again, on PostgreSQL..."
ERAS_TEST_DATABASE=postgres nice -n 10 dotnet test tests/ErasWeb.Tests -c Release --no-build --filter "Category=Storage&Database!=sqlite"
postgres=$?
[ "$browser" -eq 0 ] && [ "$sqlite" -eq 0 ] && [ "$postgres" -eq 0 ]
