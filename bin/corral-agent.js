#!/usr/bin/env node
"use strict";
require("../dist/agent/main.js").main(process.argv.slice(2));
