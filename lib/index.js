"use strict";
// The components: dist/components/index.js, or an error saying how to build it (load.js).
module.exports = require("./load")("components/index.js");
