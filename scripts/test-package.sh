#!/usr/bin/env bash
# npm run test:package: build and pack the library as a consumer would install it, check what the
# tarball holds, then run the separate example project's own tests against the fresh tarball: its
# type-check under node10 (CommonJS), nodenext and bundler module resolution, then its mocha tests.
# The tarball stays in .pack/ (ignored by git) for a look or a manual install; each run replaces it.
# It is installed with --no-save: pinned in the example's lock file it would fail the integrity
# check after every change.
set -euo pipefail
cd "$(dirname "$0")/.."

# npm pack runs `prepare`, which builds dist/ (scripts/build.js).
pack_dir="$PWD/.pack"
rm -rf "$pack_dir"
mkdir -p "$pack_dir"
npm pack --silent --pack-destination "$pack_dir" > /dev/null
tarball=$(ls "$pack_dir"/*.tgz)

echo "Packed $tarball:"
tar -tzf "$tarball" | sort | tee "$pack_dir/contents"
# Only the compiled components and their types (dist/components), the command line (dist/cli)
# and its reference (docs/batch-cli.md, which its --help names), the plan (dist/scripts/plan), the
# policy pack (dist/policy, with its PulumiPolicy.yaml), the entry points (lib/), the README, the
# license and package.json.
unexpected=$(grep -vE '^package/(dist/(components|cli|scripts/plan|policy|policy/limits)/[A-Za-z0-9]+\.(js|d\.ts)|dist/policy/(PulumiPolicy\.yaml|package\.json)|lib/(index|testing|bin|load)\.js|docs/batch-cli\.md|README\.md|LICENSE|package\.json)$' "$pack_dir/contents" || true)
if [ -n "$unexpected" ]; then
    echo "The package holds files it must not ship:" >&2
    echo "$unexpected" >&2
    exit 1
fi
for required in package/dist/components/index.js package/dist/components/index.d.ts package/dist/components/testing.js package/dist/components/testing.d.ts package/docs/batch-cli.md \
    package/dist/cli/main.js package/dist/scripts/plan/evaluateChild.js package/dist/scripts/plan/tsCache.js package/dist/policy/index.js package/dist/policy/PulumiPolicy.yaml package/dist/policy/package.json; do
    grep -qx "$required" "$pack_dir/contents" || { echo "The package lacks $required" >&2; exit 1; }
done

cd examples/consumer
npm ci --no-audit --no-fund
npm install --no-save --no-audit --no-fund "$tarball"
npm test
echo "The example consumer passed against $tarball"
