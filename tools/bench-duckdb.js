// bench-duckdb.js: runs a file of SQL statements in DuckDB through the
// npm package @duckdb/node-api (its bindings ship DuckDB itself, so the
// install needs nothing but the npm registry; tools/bench-weekly.sh puts
// it under build/duckdb), so the weekly bench can time DuckDB as a peer
// when its command-line tool is not available.  Results leave through
// COPY ... TO.
//
//	node tools/bench-duckdb.js MODULE-DIR DATABASE SQL-FILE
//
// DATABASE is a file or :memory:.  Exits 1 with DuckDB's message on error.
'use strict';
const fs = require('fs');
const path = require('path');

if (process.argv.length !== 5) {
	process.stderr.write('usage: node bench-duckdb.js module-dir database sql-file\n');
	process.exit(2);
}
const duckdb = require(path.resolve(process.argv[2], 'node_modules',
    '@duckdb', 'node-api'));
const sql = fs.readFileSync(process.argv[4], 'utf8');

(async () => {
	const db = await duckdb.DuckDBInstance.create(process.argv[3]);
	const conn = await db.connect();
	const stmts = await conn.extractStatements(sql);
	for (let i = 0; i < stmts.count; i++)
		await (await stmts.prepare(i)).run();
	conn.closeSync();
})().catch((err) => {
	process.stderr.write('bench-duckdb: ' + err.message + '\n');
	process.exit(1);
});
