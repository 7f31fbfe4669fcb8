#!/usr/bin/env node
// The `bedrock-report` command: the compiled report, which `npm ci` builds (prepare) and `npm run build` rebuilds.
require("../dist/main.js");
