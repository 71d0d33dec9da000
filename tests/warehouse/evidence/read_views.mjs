// Evidence's own driver (runQuery of @evidence-dev/duckdb) opens the published file and counts
// every view named on the command line; prints "<view> <count>" per line, exits 1 on the first failure.
import { createRequire } from 'module';
const require = createRequire(import.meta.url);
const runQuery = require('@evidence-dev/duckdb');
const [filename, ...views] = process.argv.slice(2);
for (const view of views) {
  try {
    const result = await runQuery(`select count(*) as n from "${view}"`, { filename, directory: '/' });
    let rows = result.rows;
    if (typeof rows === 'function') rows = rows();
    const out = [];
    if (rows && rows[Symbol.asyncIterator]) { for await (const batch of rows) out.push(...batch); }
    else out.push(...rows);
    console.log(view, String(out[0].n));
  } catch (e) {
    console.error(view, 'FAIL', String(e.message).split('\n')[0]);
    process.exit(1);
  }
}
process.exit(0);
