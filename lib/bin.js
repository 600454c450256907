#!/usr/bin/env node
"use strict";
// The fargate-workloads command: dist/cli/bin.js, or an error saying how to build it (load.js).
try {
    require("./load")("cli/bin.js");
} catch (e) {
    process.stderr.write(`${e.message}\n`);
    process.exitCode = 1;
}
