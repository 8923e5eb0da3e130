// node --import ./bench/memory-report.mjs packages/turn/bin/traverse-turn.js …, then kill -USR2 <pid>:
// the process writes one JSON line to stderr with where its memory is: RSS, the V8 heap by space
// (new space = the young generation that relayed packets churn through), code and metadata, and
// memory outside the V8 heap (Buffers). Used for the "Memory" section of docs/performance.md.
import v8 from 'node:v8';

process.on('SIGUSR2', () => {
  const mb = (n) => Math.round((n / 1048576) * 10) / 10;
  const usage = process.memoryUsage();
  const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, { committed: mb(s.physical_space_size), used: mb(s.space_used_size) }]));
  const code = v8.getHeapCodeStatistics();
  process.stderr.write(`${JSON.stringify({
    memoryReport: {
      rss: mb(usage.rss), heapCommitted: mb(usage.heapTotal), heapUsed: mb(usage.heapUsed), external: mb(usage.external), arrayBuffers: mb(usage.arrayBuffers),
      spaces, bytecodeAndMetadata: mb(code.bytecode_and_metadata_size), code: mb(code.code_and_metadata_size),
    },
  })}\n`);
});
