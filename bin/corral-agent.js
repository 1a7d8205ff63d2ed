#!/usr/bin/env node
"use strict";
// V8 flags first, before the agent's modules load (agent/v8-tuning.ts: idle footprint).
require("../dist/agent/v8-tuning.js").applyAgentV8Tuning(process.env);
require("../dist/agent/main.js").main(process.argv.slice(2));
