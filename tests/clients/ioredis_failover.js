// ioredis's Cluster client against a Seshat cluster while its leader is killed: writes one key
// after another, says "ready" on stdout once `before` writes are acknowledged (the test then
// kills the leader), goes on until `after` more are acknowledged or `timeout_ms` passes, and
// prints what it saw as one JSON line: the acknowledged keys, the longest wait between two
// acknowledgements, and the errors it got.
// Usage: node ioredis_failover.js '{"ports":[...],"before":50,"after":200,"timeout_ms":30000}'
"use strict";
const Redis = require("ioredis");

const opts = JSON.parse(process.argv[2]);
const cluster = new Redis.Cluster(
  opts.ports.map((port) => ({ host: "127.0.0.1", port })),
  { scaleReads: "master" }  // the defaults otherwise, as a user would start
);

async function main() {
  const acked = [];
  const errors = {};
  let longestGapMs = 0;
  let last = Date.now();
  let said = false;
  const started = Date.now();
  for (let i = 0; ; i++) {
    if (acked.length >= opts.before + opts.after) break;
    if (Date.now() - started > opts.timeout_ms) break;
    try {
      const reply = await cluster.set(`key:${i}`, `${i}`);
      if (reply === "OK") {
        acked.push(i);
        const now = Date.now();
        longestGapMs = Math.max(longestGapMs, now - last);
        last = now;
      }
    } catch (err) {
      const kind = String(err.message).split(" ")[0];
      errors[kind] = (errors[kind] || 0) + 1;
    }
    if (!said && acked.length >= opts.before) {
      said = true;
      longestGapMs = 0;  // measured from the kill on
      process.stdout.write("ready\n");
      await new Promise((resolve) => process.stdin.once("data", resolve));  // "killed"
      last = Date.now();
    }
  }
  process.stdout.write(JSON.stringify({ acked, longest_gap_ms: longestGapMs, errors }) + "\n");
  cluster.disconnect();
  process.exit(0);  // stdin, still open, would keep the event loop alive
}

main().catch((err) => {
  process.stdout.write(JSON.stringify({ fatal: String(err) }) + "\n");
  process.exit(1);
});
