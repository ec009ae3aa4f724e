// Times one SQL query in DuckDB for `blocks search-bench`, so our TraceQL search can be set beside a columnar engine
// reading the same data.parquet files.
//
// Input: a JSON object from argv[2] when given, else from stdin:
//   {"files": ["/path/data.parquet", ...], "sql": "SELECT ... FROM read_parquet({files}) ...", "runs": 5, "threads": 1}
// {files} in the SQL becomes the list of files as a DuckDB list literal.
// Output (stdout): {"result": "<first column of the first row, as a string>", "runs": [{"wallMs": n, "cpuMs": n}, ...]}
// after one untimed warm-up run. cpuMs is this process's user + system time, which counts DuckDB's native threads too.
// Errors: exit code 1, with the reason on stderr.
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

function readRequest() {
  const text = process.argv.length > 2 ? process.argv[2] : readFileSync(0, 'utf8');
  let request;
  try {
    request = JSON.parse(text);
  } catch (e) {
    throw new Error(`input is not JSON: ${e.message}`);
  }
  const { files, sql, runs, threads } = request ?? {};
  if (!Array.isArray(files) || files.length === 0 || files.some((f) => typeof f !== 'string')) {
    throw new Error('"files" must be a non-empty array of paths');
  }
  if (typeof sql !== 'string' || sql.length === 0) {
    throw new Error('"sql" must be a non-empty string');
  }
  if (!Number.isInteger(runs) || runs < 1) {
    throw new Error('"runs" must be an integer of at least 1');
  }
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1)) {
    throw new Error('"threads" must be an integer of at least 1 when given');
  }
  const list = `[${files.map((f) => `'${f.replaceAll("'", "''")}'`).join(', ')}]`;
  return { sql: sql.replaceAll('{files}', list), runs, threads: threads ?? 1 };
}

async function runOnce(connection, sql) {
  try {
    const reader = await connection.runAndReadAll(sql);
    const rows = reader.getRows();
    if (rows.length === 0 || rows[0].length === 0) {
      throw new Error('the query returned no value');
    }
    return String(rows[0][0]);
  } catch (e) {
    throw new Error(`query failed: ${e.message}\n  SQL: ${sql}`);
  }
}

async function main() {
  const { sql, runs, threads } = readRequest();
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run(`SET threads = ${threads}`);
  const result = await runOnce(connection, sql);
  const timings = [];
  for (let i = 0; i < runs; i++) {
    const cpuBefore = process.cpuUsage();
    const started = process.hrtime.bigint();
    const value = await runOnce(connection, sql);
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    const cpu = process.cpuUsage(cpuBefore);
    if (value !== result) {
      throw new Error(`run ${i + 1} returned ${value}, the warm-up returned ${result}`);
    }
    timings.push({ wallMs, cpuMs: (cpu.user + cpu.system) / 1000 });
  }
  connection.closeSync();
  process.stdout.write(JSON.stringify({ result, runs: timings }));
}

main().catch((e) => {
  process.stderr.write(`duckdb-bench: ${e.message}\n`);
  process.exitCode = 1;
});
