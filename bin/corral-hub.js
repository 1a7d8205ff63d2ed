#!/usr/bin/env node
"use strict";
require("../dist/hub/main.js").main(process.argv.slice(2));
