// The package's entry points (index.js, testing.js, bin.js) load the compiled code in dist/
// through here, so that a package installed without its build says so and how to fix it, instead
// of Node's "Cannot find module .../dist/...". dist/ is missing when the package came from git
// and its `prepare` (the build) did not run: npm install --ignore-scripts, or npm 11 with
// --strict-allow-scripts and no allowScripts entry for the repository.
"use strict";
const fs = require("fs");
const path = require("path");

const root = path.join(__dirname, "..");

/** Requires dist/<file> of this package, or throws an error that says how to build it. */
module.exports = function load(file) {
    const target = path.join(root, "dist", file);
    if (!fs.existsSync(target)) {
        throw new Error(
            `fargate-workloads: ${path.join("dist", file)} is missing in ${root}: the package was installed without its build, ` +
                "as an install from git is when its prepare script does not run (npm install --ignore-scripts, or npm 11's --strict-allow-scripts without the repository in allowScripts). " +
                'Install it again with scripts allowed (npm 11: add "git+https://github.com/OWNER/REPO.git": true, the URL you install from, to "allowScripts" in your package.json), ' +
                `or build it in place: cd ${root} && npm install && npm run build`,
        );
    }
    return require(target);
};
