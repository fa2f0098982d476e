#!/usr/bin/env bash
# Lints the app's OpenAPI document with Stoplight Spectral: the spectral:oas ruleset and the OWASP API
# Security ruleset. Starts the app on a throwaway SQLite database (or lints a running one given as $1, e.g.
# http://127.0.0.1:5080), prints each ruleset's error and warning counts, and exits non-zero on any error.
# Needs Node/npm (npx fetches @stoplight/spectral-cli and the OWASP ruleset on first use).
# What remains and why: docs/api.md, "Spectral".
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
app_pid=""
cleanup() {
  if [[ -n "$app_pid" ]]; then kill "$app_pid" 2>/dev/null || true; fi
  if [[ -n "${LINT_KEEP:-}" ]]; then cp "$work"/*.json "$LINT_KEEP"/ 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

base=${1:-}
if [[ -z "$base" ]]; then
  port=${LINT_PORT:-5197}
  base="http://127.0.0.1:$port"
  dotnet build src/PingYi.Web -c Release -v q >/dev/null
  ConnectionStrings__PingYi="Data Source=$work/pingyi.db" Jobs__Enabled=false Logging__LogLevel__Default=Warning \
    dotnet run --no-build -c Release --project src/PingYi.Web --urls "$base" >"$work/app.log" 2>&1 &
  app_pid=$!
  for _ in $(seq 1 90); do
    if curl -fsS "$base/openapi/v1.json" -o "$work/v1.json" 2>/dev/null; then break; fi
    sleep 1
  done
fi
curl -fsS "$base/openapi/v1.json" -o "$work/v1.json"

# The rulesets (with the reason for every rule they switch off) live in tools/spectral/; copied beside the
# document because their overrides name it by a relative path.
cp tools/spectral/oas.yaml tools/spectral/owasp.yaml "$work"/

# Installed beside the rulesets, so that "extends" finds the OWASP package locally (not on unpkg).
(cd "$work" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund \
  "@stoplight/spectral-cli@${SPECTRAL_VERSION:-6.16.3}" "@stoplight/spectral-owasp-ruleset@${OWASP_RULESET_VERSION:-2.0.1}" >/dev/null)

status=0
for ruleset in oas owasp; do
  (cd "$work" && ./node_modules/.bin/spectral lint v1.json -r "$ruleset.yaml" -f json -q >"$ruleset.json" 2>/dev/null) || true
  python3 - "$work/$ruleset.json" "$ruleset" <<'PY' || status=1
import collections, json, sys
results = json.load(open(sys.argv[1]))
errors = sum(1 for r in results if r["severity"] == 0)
warnings = sum(1 for r in results if r["severity"] == 1)
print(f"{sys.argv[2]}: {errors} errors, {warnings} warnings")
for (code, severity), n in collections.Counter((r["code"], r["severity"]) for r in results).most_common():
    print(f"  {n:4} {'error' if severity == 0 else 'warning'} {code}")
sys.exit(1 if errors else 0)
PY
done
exit $status
