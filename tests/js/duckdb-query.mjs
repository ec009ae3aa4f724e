// Runs SQL statements in one in-memory DuckDB and prints every result set as JSON, so the .NET tests can check our
// Parquet files with a reader nobody here wrote (and have DuckDB write files for our reader).
//
// Input: a JSON array of SQL strings, from argv[2] when given, else from stdin.
// Output (stdout): one JSON document, an array with one entry per statement; each entry is that statement's rows as
// objects keyed by column name (statements without rows give []).
// Errors: exit code 1, and stderr names the failing statement (by index) with DuckDB's message.
//
// Value shapes (the .NET side builds its expectations in exactly this shape):
//   BIGINT / UBIGINT / HUGEINT / DECIMAL   -> decimal string (JS numbers would lose precision past 2^53)
//   TINYINT .. UINTEGER                    -> number
//   FLOAT / DOUBLE                         -> number; NaN / Infinity / -Infinity -> string
//   BLOB                                   -> lowercase hex string (stable, unlike DuckDB's \xNN escaping)
//   LIST / ARRAY -> array; STRUCT -> object; MAP -> array of {"key": k, "value": v}; VARCHAR -> string; NULL -> null
import { readFileSync } from 'node:fs';
import { DuckDBInstance, DuckDBTypeId, JsonDuckDBValueConverter } from '@duckdb/node-api';

function blobAsHexConverter(value, type, converter) {
  if (value != null && type.typeId === DuckDBTypeId.BLOB) {
    return Buffer.from(value.bytes).toString('hex');
  }
  // The nested converters call back through `converter`, so blobs inside lists, structs and maps are hex too.
  return JsonDuckDBValueConverter(value, type, converter);
}

function readStatements() {
  const text = process.argv.length > 2 ? process.argv[2] : readFileSync(0, 'utf8');
  let statements;
  try {
    statements = JSON.parse(text);
  } catch (e) {
    throw new Error(`input is not JSON (expected an array of SQL strings): ${e.message}`);
  }
  if (!Array.isArray(statements) || statements.some((s) => typeof s !== 'string')) {
    throw new Error('input must be a JSON array of SQL strings');
  }
  return statements;
}

async function main() {
  const statements = readStatements();
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const results = [];
  for (let i = 0; i < statements.length; i++) {
    let reader;
    try {
      reader = await connection.runAndReadAll(statements[i]);
    } catch (e) {
      throw new Error(`statement ${i} failed: ${e.message}\n  SQL: ${statements[i]}`);
    }
    results.push(reader.convertRowObjects(blobAsHexConverter));
  }
  connection.closeSync();
  process.stdout.write(JSON.stringify(results));
}

main().catch((e) => {
  process.stderr.write(`duckdb-query: ${e.message}\n`);
  process.exitCode = 1;
});
