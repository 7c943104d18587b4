// node query.mjs SQL: runs SQL in an in-memory DuckDB (npm @duckdb/node-api) and prints the rows
// as a JSON array of objects (BIGINTs as numbers when they fit, else strings).
import { DuckDBInstance } from '@duckdb/node-api';

const sql = process.argv[2];
if (!sql) {
  console.error('usage: node query.mjs SQL');
  process.exit(2);
}
try {
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  const reader = await connection.runAndReadAll(sql);
  console.log(JSON.stringify(reader.getRowObjectsJson()));
} catch (e) {
  console.error('duckdb: ' + e.message);
  process.exit(1);
}
