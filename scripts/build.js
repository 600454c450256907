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

// As `prepare`, skip the build of this checkout's own `npm ci` or `npm install` (the tests run the
// sources; building added 30% to npm ci, measured): INIT_CWD is where npm was started. npm pack
// and npm publish build, and so does npm when it installs this repository from git into another
// project (it runs prepare in its clone, started from that project).
const real = (dir) => (fs.existsSync(dir) ? fs.realpathSync(dir) : dir);
if (process.argv.includes("--prepare") && real(path.resolve(process.env.INIT_CWD ?? "")) === real(root) && ["ci", "install"].includes(process.env.npm_command ?? "")) {
    console.log(`prepare: no build for this checkout's own npm ${process.env.npm_command} (npm run build builds dist/)`);
    process.exit(0);
}
fs.rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(root, "tsconfig.build.json")], { stdio: "inherit" });
for (const [from, to] of [
    ["scripts/plan/tsCache.js", "scripts/plan/tsCache.js"],
    ["policy/PulumiPolicy.yaml", "policy/PulumiPolicy.yaml"],
]) {
    fs.copyFileSync(path.join(root, from), path.join(dist, to));
}
// The pack's own package.json: Pulumi runs a Node.js pack as a program (its `main`), and
// @pulumi/policy's PolicyPack reads the version it reports from the package.json of the directory
// it runs in, refusing to start without one. The pack is versioned with the package.
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
const pack = JSON.parse(fs.readFileSync(path.join(root, "policy/package.json"), "utf8"));
fs.writeFileSync(path.join(dist, "policy/package.json"), JSON.stringify({ ...pack, version: pkg.version, main: "index.js" }, null, 4) + "\n");
