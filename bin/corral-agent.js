#!/usr/bin/env node
"use strict";
// V8 flags first, before the agent's modules load (agent/v8-tuning.ts: idle footprint).
const tuning = require("../dist/agent/v8-tuning.js");
try {
  tuning.applyAgentV8Tuning(process.env);
} catch (err) {
  if (!(err instanceof tuning.V8TuningConfigError)) throw err;
  process.stderr.write(`corral-agent: ${err.message}\n`);
  process.exit(2);
}
require("../dist/agent/main.js").main(process.argv.slice(2));
