#!/usr/bin/env bash
# npm run test:git-install: install fargate-workloads from git into fresh consumer projects, as a
# user does before the first release (README, "Install"), and check what npm 11 does
# with the package's `prepare` (the build, scripts/build.js):
#   1. a plain install builds dist/: the components import, `fargate-workloads plan` runs;
#   2. --ignore-scripts leaves dist/ out: the import fails with the message of lib/load.js;
#   3. --strict-allow-scripts refuses the install until allowScripts names the repository.
# It installs git+file:// of this checkout's HEAD commit (commit first: uncommitted changes are
# not in it). Slow (npm clones the repository and installs its dev dependencies to build it), so
# .ci/run runs it beside test:package, not npm test.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
commit=$(git rev-parse HEAD)
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
    echo "test-git-install: uncommitted changes are not tested; installing $commit" >&2
fi
spec="git+file://$root#$commit"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A consumer project with the package's peers pinned (as the README's install does).
new_consumer() {
    mkdir -p "$work/$1"
    cd "$work/$1"
    printf '{ "name": "%s", "version": "0.0.0", "private": true }\n' "$1" > package.json
}
peers=(@pulumi/pulumi@3.270.0 @pulumi/aws@7.48.0)
fail() {
    echo "test-git-install: $*" >&2
    exit 1
}

echo "1. npm install $spec"
new_consumer plain
start=$SECONDS
npm install --no-audit --no-fund --save-exact "${peers[@]}" "$spec" > install.log 2>&1 || { cat install.log; fail "the install from git failed"; }
echo "   installed in $((SECONDS - start)) s; npm said about scripts:"
grep -i "script" install.log | sed 's/^/     /' || true
[ -f node_modules/fargate-workloads/dist/components/index.js ] || fail "prepare did not build dist/"
node -e 'const f = require("fargate-workloads"); if (typeof f.WebService !== "function") process.exit(1)' || fail "the components do not import"
node -e 'require("fargate-workloads/testing").installMocks()' || fail "fargate-workloads/testing does not import"
npx --no-install fargate-workloads plan --help | head -1 | grep -q "^Usage: fargate-workloads plan" || fail "npx fargate-workloads plan --help does not answer"
echo "   dist/ built; the components, the testing harness and the command load"

echo "2. npm install --ignore-scripts $spec"
new_consumer ignored
start=$SECONDS
npm install --no-audit --no-fund --ignore-scripts --save-exact "${peers[@]}" "$spec" > install.log 2>&1 || { cat install.log; fail "the install with --ignore-scripts failed"; }
[ ! -e node_modules/fargate-workloads/dist ] || fail "dist/ exists though prepare did not run"
message=$(node -e 'require("fargate-workloads")' 2>&1) && fail "the import of an unbuilt package succeeded"
echo "$message" | grep -q "fargate-workloads: dist/components/index.js is missing in .*npm run build" || { echo "$message"; fail "the import of an unbuilt package does not say how to build it"; }
echo "   installed in $((SECONDS - start)) s; the import says: $(echo "$message" | grep -o 'fargate-workloads: dist/components/index.js is missing[^:]*')"

echo "3. npm install --strict-allow-scripts $spec"
new_consumer strict
start=$SECONDS
npm install --no-audit --no-fund --save-exact "${peers[@]}" > /dev/null 2>&1
if npm install --no-audit --no-fund --strict-allow-scripts --save-exact "$spec" > install.log 2>&1; then
    cat install.log
    fail "--strict-allow-scripts installed a git dependency whose prepare no allowScripts entry covers"
fi
grep -q "ESTRICTALLOWSCRIPTS\|strict-allow-scripts" install.log || { cat install.log; fail "the refusal does not name --strict-allow-scripts"; }
echo "   refused without allowScripts:"
grep -i "fargate-workloads\|strict" install.log | head -3 | sed 's/^/     /'
# The repository allowed by the URL it is installed from; @pulumi/pulumi's protobufjs postinstall
# (a version notice) denied, which --strict-allow-scripts also asks about. (npm builds the
# repository in a clone with the same flag: the repository's own allowScripts covers its dev
# dependencies there.)
node -e '
const fs = require("fs");
const pkg = JSON.parse(fs.readFileSync("package.json", "utf8"));
pkg.allowScripts = { [process.argv[1]]: true, protobufjs: false };
fs.writeFileSync("package.json", JSON.stringify(pkg, null, 2));
' "git+file://$root"
npm install --no-audit --no-fund --strict-allow-scripts --save-exact "$spec" > install.log 2>&1 || { cat install.log; fail "--strict-allow-scripts refused the install though allowScripts names the repository"; }
[ -f node_modules/fargate-workloads/dist/components/index.js ] || fail "prepare did not build dist/ with the repository in allowScripts"
echo "   installed and built with allowScripts naming git+file://$root ($((SECONDS - start)) s for both installs)"
echo "The install from git passed (3 cases)"
