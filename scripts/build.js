// npm run build (and `prepare`, so that an install from git builds the package): compiles the
// components, the command line, the plan and the policy pack into dist/ with the pinned
// TypeScript, and copies the files tsc does not emit. Plain Node.js, so it runs on every OS npm
// does, with nothing but the dev dependencies an install from git puts in place.
"use strict";
const { execFileSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const root = path.join(__dirname, "..");
const dist = path.join(root, "dist");
fs.rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(root, "tsconfig.build.json")], { stdio: "inherit" });
for (const [from, to] of [
    ["scripts/plan/tsCache.js", "scripts/plan/tsCache.js"],
    ["policy/PulumiPolicy.yaml", "policy/PulumiPolicy.yaml"],
]) {
    fs.copyFileSync(path.join(root, from), path.join(dist, to));
}
