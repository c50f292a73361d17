// node-postgres over TLS with SCRAM (run by integration/tls.sh): the server's certificate verified against the
// test CA, the SQLSTATEs of a plaintext startup (28000), a wrong password and an unknown user (28P01, one message).
// Usage: node tls_check.js PORT CA_FILE USER PASSWORD OTHER_CA_FILE. Prints "N passed, N failed".
const fs = require('fs');
const { Client } = require('pg');
const [port, caFile, user, password, otherCaFile] =
  [Number(process.argv[2]), process.argv[3], process.argv[4], process.argv[5], process.argv[6]];
const ca = fs.readFileSync(caFile);
let passed = 0, failed = 0;
function check(name, ok, detail) {
  if (ok) { passed++; console.log(`ok   ${name}`); } else { failed++; console.log(`FAIL ${name}: ${JSON.stringify(detail)}`); }
}
// Connects, runs `sql`, and returns [rows, null] or [null, error].
async function attempt(options, sql) {
  const c = new Client({ host: '127.0.0.1', port, database: 'lake', ...options });
  try {
    await c.connect();
    const r = await c.query(sql);
    await c.end();
    return [r.rows, null];
  } catch (e) {
    try { await c.end(); } catch (_) { /* already closed */ }
    return [null, e];
  }
}
(async () => {
  const tls = { ca, rejectUnauthorized: true };
  let [rows, err] = await attempt({ user, password, ssl: tls }, 'SELECT count(*) AS n FROM sales');
  check('TLS verified against the test CA + SCRAM login', rows && Number(rows[0].n) > 0, err && String(err));

  [rows, err] = await attempt({ user, password, ssl: false }, 'SELECT 1');
  check('plaintext startup refused with 28000', err && err.code === '28000' && err.severity === 'FATAL', err && { code: err.code, message: err.message });

  [rows, err] = await attempt({ user, password: password + 'x', ssl: tls }, 'SELECT 1');
  const wrong = err;
  check('wrong password: 28P01', err && err.code === '28P01', err && { code: err.code, message: err.message });

  [rows, err] = await attempt({ user: 'nobody_here', password, ssl: tls }, 'SELECT 1');
  check('unknown user: 28P01', err && err.code === '28P01', err && { code: err.code, message: err.message });
  check('unknown user and wrong password read alike',
    wrong && err && wrong.message.replace(user, 'U') === err.message.replace('nobody_here', 'U'),
    [wrong && wrong.message, err && err.message]);

  [rows, err] = await attempt({ user, password, ssl: { ca: fs.readFileSync(otherCaFile), rejectUnauthorized: true } }, 'SELECT 1');
  check('a client trusting another CA does not connect', err && !err.severity, err && [err.code, err.message]);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
})();
