// `node -r ./scripts/plan/register.js file.ts`: runs this repository's TypeScript through the
// transpile cache of tsCache.js (npm run plan, npm run batch), instead of ts-node/register, which
// transpiles every file on every run.
"use strict";
require("./tsCache").installTypeScript(require("path").resolve(__dirname, "..", ".."));
