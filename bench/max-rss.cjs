// Preloaded into a child process by the benchmarks (`node --require bench/max-rss.cjs …`): prints the
// process's peak resident set size, as the kernel counted it, when it exits.
process.on('exit', () => process.stderr.write(`max_rss_kb=${process.resourceUsage().maxRSS}\n`));
