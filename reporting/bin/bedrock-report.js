#!/usr/bin/env -S node --max-semi-space-size=1
// The `bedrock-report` command: the compiled report, which `npm ci` builds (prepare) and `npm run build` rebuilds.
// A 1 MB semi-space (V8's young generation) keeps the main thread's peak RSS about 40 MB lower on the benchmark
// archive at the same speed; V8 sizes its heap when Node.js starts, so the flag is here and not in the code.
require("../dist/main.js");
