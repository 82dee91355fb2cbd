#!/usr/bin/env bash
# Checks an OpenAPI document as a partner's tools read it: Redocly's linter with its recommended rules
# (no error, and no warning but those listed in .redocly.lint-ignore.yaml), then a TypeScript client
# generated from it with openapi-typescript, which partner-site.ts uses and must compile against.
#   tools/openapi/check.sh openapi.json
#   tools/openapi/check.sh http://localhost:8501/openapi/v1.json
# The tools are pinned in package-lock.json and installed by scripts/setup.sh --tests.
set -euo pipefail
tools=$(cd "$(dirname "$0")" && pwd)
[ $# -eq 1 ] || { echo "usage: $0 DOCUMENT (a file or a URL)" >&2; exit 2; }

# The linter's own requirement (@redocly/cli's engines): Node.js 20.19 or later.
if ! command -v node >/dev/null 2>&1; then
  echo "Node.js (20.19 or later) with npm is required to check the OpenAPI document: install it, then run scripts/setup.sh --tests." >&2
  exit 2
fi
if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'; then
  echo "Node.js $(node --version) is too old to check the OpenAPI document: 20.19 or later is required." >&2
  exit 2
fi
bin="$tools/node_modules/.bin"
if [ ! -x "$bin/redocly" ] || [ ! -x "$bin/openapi-typescript" ] || [ ! -x "$bin/tsc" ]; then
  echo "The OpenAPI tools are not installed in $tools/node_modules: run scripts/setup.sh --tests (or npm ci there)." >&2
  exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
case "$1" in
  http://* | https://*) curl -fsS "$1" -o "$work/openapi.json" ;;
  *) cp "$1" "$work/openapi.json" ;;
esac
cp "$tools/redocly.yaml" "$tools/.redocly.lint-ignore.yaml" "$tools/partner-site.ts" "$tools/tsconfig.json" "$work/"
ln -s "$tools/node_modules" "$work/node_modules"
cd "$work"
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true

echo "Linting with Redocly's recommended rules..."
"$bin/redocly" lint openapi.json --format=json >lint.json 2>lint.log || true
[ -s lint.json ] || { cat lint.log >&2; exit 1; } # the linter did not run: its own words
node -e '
  const { totals, problems } = JSON.parse(require("fs").readFileSync("lint.json", "utf8"));
  for (const p of problems.filter(p => !p.ignored))
    console.log(`${p.severity} ${p.ruleId} at ${p.location.map(l => l.pointer).join(", ")}: ${p.message}`);
  console.log(`${totals.errors} errors, ${totals.warnings} warnings, ${totals.ignored} listed in .redocly.lint-ignore.yaml`);
  process.exit(totals.errors + totals.warnings === 0 ? 0 : 1);
'

echo "Generating a TypeScript client (openapi-typescript) and compiling partner-site.ts against it (tsc)..."
"$bin/openapi-typescript" openapi.json -o erasweb-api.ts >generate.log 2>&1 || { cat generate.log >&2; exit 1; }
"$bin/tsc" -p tsconfig.json
echo "The OpenAPI document passes."
