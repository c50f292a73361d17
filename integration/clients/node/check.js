// node-postgres client check (run by integration/node.sh): simple query, parameterized (extended) query,
// a named prepared statement reused, and types parsed. Prints "N passed, N failed".
const { Client } = require('pg');
let passed = 0, failed = 0;
function check(name, ok, detail) {
  if (ok) { passed++; console.log(`ok   ${name}`); } else { failed++; console.log(`FAIL ${name}: ${JSON.stringify(detail)}`); }
}
(async () => {
  const c = new Client({ host: '127.0.0.1', port: Number(process.argv[2]), user: 'insights', database: 'insights' });
  await c.connect();
  try {
    const s = await c.query("SELECT count(*) AS n FROM sales WHERE region = 'WEST'");
    const n = s.rows[0].n;
    check('simple query', Number(n) > 0, s.rows);
    const p = await c.query('SELECT count(*) AS n FROM sales WHERE region = $1', ['WEST']);
    check('parameterized query (extended protocol)', p.rows[0].n === n, p.rows);
    let same = true;
    for (let i = 0; i < 3; i++) {
      const r = await c.query({ name: 'by_region', text: 'SELECT count(*) AS n FROM sales WHERE region = $1', values: ['WEST'] });
      same = same && r.rows[0].n === n;
    }
    check('named prepared statement reused', same, n);
    const t = await c.query('SELECT order_date, returned, quantity FROM sales ORDER BY order_id LIMIT 1');
    const row = t.rows[0];
    check('types parsed (date, bool, int)', row.order_date instanceof Date && typeof row.returned === 'boolean' && typeof row.quantity === 'number', row);
    const v = await c.query("SELECT version() AS v, current_setting('server_version_num') AS num");
    check('version() and current_setting', /PostgreSQL/.test(v.rows[0].v) && Number(v.rows[0].num) >= 150000, v.rows);
  } catch (e) {
    check('no error', false, String(e));
  }
  await c.end();
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
})();
