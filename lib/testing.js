"use strict";
// fargate-workloads/testing: dist/components/testing.js, or an error saying how to build it (load.js).
module.exports = require("./load")("components/testing.js");
