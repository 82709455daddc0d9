#!/usr/bin/env node
// The `setr` command: a committed shim (so npm can link it before the first build) that runs the
// compiled CLI.
await import('../dist/cli/main.js');
