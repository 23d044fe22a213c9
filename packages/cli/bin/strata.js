#!/usr/bin/env node
// The `strata` command: runs the compiled CLI (npm run build).
require("../dist/bin.js");
