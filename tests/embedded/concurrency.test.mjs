// Several clients over the one shared PGlite session.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startLauncher, psql, psqlOk, run, RawClient, msg, cstr, parseResult, sleep } from './helpers.mjs';

let L;
before(async () => { L = await startLauncher({ memory: true }); });
after(async () => { if (L) await L.stop(); });

test('default libpq settings work (psql, no sslmode, URI and keyword conninfo)', async () => {
  const env = { ...process.env }; delete env.PGSSLMODE; delete env.PGGSSENCMODE;
  const r = await psql(L.uri, 'SELECT 1', { env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), '1');
  const v = await psqlOk(L.conninfo, "SELECT current_setting('server_version'), current_setting('search_path'), current_setting('client_min_messages'), current_setting('timescaledb.license')");
  assert.equal(v, '17.5|"$user", public|notice|timescale');
  const ps = await run('/usr/bin/psql', ['-X', '-At', L.uri, '-c', '\\echo :SERVER_VERSION_NAME :ENCODING']);
  assert.equal(ps.stdout.trim(), '17.5 UTF8');
  // RESET ALL / DISCARD ALL by one client must not leave the shared session broken.
  await psqlOk(L.conninfo, 'RESET ALL');
  await psqlOk(L.conninfo, 'DISCARD ALL');
  assert.equal(await psqlOk(L.conninfo, "SELECT current_setting('search_path'), current_setting('client_min_messages')"), '"$user", public|notice');
  const ready = await run('pg_isready', ['-h', '127.0.0.1', '-p', String(L.port)]);
  assert.equal(ready.code, 0, ready.stdout + ready.stderr);
});

test('6 concurrent psql clients with transactions get exactly the right results', async (t) => {
  await psqlOk(L.conninfo, 'CREATE TABLE conc(client int, i int, v int)');
  const N = 6, ITER = 50;
  const script = (k) => {
    let s = `BEGIN;\nINSERT INTO conc SELECT ${k}, g, g * ${k} FROM generate_series(1, 50) g;\n` +
      `UPDATE conc SET v = v + 1 WHERE client = ${k};\nCOMMIT;\n`;
    for (let j = 1; j <= ITER; j++) {
      s += `INSERT INTO conc VALUES (${k}, ${100 + j}, ${j});\nSELECT count(*) FROM conc WHERE client = ${k};\n`;
      // Inside a transaction nobody else runs: the total cannot change between the reads.
      s += 'BEGIN;\nSELECT count(*) FROM conc;\nSELECT count(*) FROM generate_series(1, 2000);\nSELECT count(*) FROM conc;\nCOMMIT;\n';
    }
    s += `BEGIN;\nINSERT INTO conc VALUES (${k}, 999, 1000000);\nROLLBACK;\n`;
    s += `SELECT count(*), sum(v) FROM conc WHERE client = ${k};\n`;
    return s;
  };
  const t0 = Date.now();
  const res = await Promise.all(Array.from({ length: N }, (_, i) => psql(L.conninfo, null, { input: script(i + 1) })));
  const ms = Date.now() - t0;
  for (let i = 0; i < N; i++) {
    const k = i + 1;
    const r = res[i];
    assert.equal(r.code, 0, `client ${k}: ${r.stderr}`);
    const lines = r.stdout.trim().split('\n');
    // Per iteration: own count, total, 2000, total.
    assert.equal(lines.length, ITER * 4 + 1, `client ${k} output:\n${r.stdout}`);
    for (let j = 1; j <= ITER; j++) {
      const [own, t1, mid, t2] = lines.slice((j - 1) * 4, j * 4);
      assert.equal(own, String(50 + j), `client ${k} iteration ${j}`);
      assert.equal(mid, '2000');
      assert.equal(t1, t2, `client ${k}: another client ran inside a transaction`);
    }
    assert.equal(lines[lines.length - 1], `${50 + ITER}|${k * 1275 + 50 + (ITER * (ITER + 1)) / 2}`);
  }
  assert.equal(await psqlOk(L.conninfo, 'SELECT count(*) FROM conc'), String(N * (50 + ITER)));
  assert.equal(await psqlOk(L.conninfo, 'SELECT count(*) FROM conc WHERE i = 999'), '0');
  t.diagnostic(`6 clients x ${ITER} groups: ${ms} ms`);
});

test('a client inside a transaction makes others wait; its disconnect rolls it back', async () => {
  await psqlOk(L.conninfo, 'CREATE TABLE hold(x int)');
  const a = await RawClient.open(L.port);
  let r = await a.query('BEGIN; INSERT INTO hold VALUES (1)');
  assert.equal(r.status, 'T');
  // New connections are still accepted (the launcher answers startups itself) ...
  const t0 = Date.now();
  const c = await RawClient.open(L.port);
  assert.ok(Date.now() - t0 < 3000, 'startup answered while the session is held');
  // ... but their queries wait for the transaction.
  let bDone = false;
  const b = psql(L.conninfo, 'INSERT INTO hold VALUES (2); SELECT array_agg(x ORDER BY x) FROM hold').then((x) => { bDone = true; return x; });
  c.send(msg('Q', cstr('SELECT count(*) FROM hold')));
  await sleep(1500);
  assert.equal(bDone, false, 'psql ran while another client held a transaction');
  assert.equal(c.messages.length, 0, 'raw client got an answer while another client held a transaction');
  // The holder still sees its own row.
  r = await a.query('SELECT count(*) FROM hold');
  assert.deepEqual(r.rows, [['1']]);
  a.destroy();
  const br = await b;
  assert.equal(br.code, 0, br.stderr);
  assert.equal(br.stdout.trim(), '{2}');
  const cr = parseResult(await c.waitFor((m) => m.type === 'Z'));
  assert.ok(['0', '1'].includes(cr.rows[0][0]));
  assert.equal(await psqlOk(L.conninfo, 'SELECT count(*) FROM hold WHERE x = 1'), '0');
  c.destroy();
});

test('a client in a failed transaction (status E) that vanishes is rolled back too', async () => {
  const a = await RawClient.open(L.port);
  let r = await a.query('BEGIN; INSERT INTO hold VALUES (10)');
  assert.equal(r.status, 'T');
  r = await a.query('SELECT 1/0');
  assert.equal(r.status, 'E');
  assert.equal(r.error.C, '22012');
  a.destroy();
  assert.equal(await psqlOk(L.conninfo, 'SELECT count(*) FROM hold WHERE x = 10'), '0');
  // Committed work of a client that then leaves stays.
  const d = await RawClient.open(L.port);
  r = await d.query('BEGIN; INSERT INTO hold VALUES (11); COMMIT');
  assert.equal(r.status, 'I');
  d.send(msg('X'));
  assert.ok(await d.waitClosed(), 'Terminate closes the connection');
  assert.equal(await psqlOk(L.conninfo, 'SELECT count(*) FROM hold WHERE x = 11'), '1');
});

test('extended protocol split across writes, interleaved with another client', async () => {
  const a = await RawClient.open(L.port);
  const b = await RawClient.open(L.port);
  const param = Buffer.from('21');
  const bind = Buffer.concat([cstr(''), cstr(''), Buffer.from([0, 0, 0, 1]), Buffer.from([0, 0, 0, 2]), param, Buffer.from([0, 0])]);
  const bytes = Buffer.concat([
    msg('P', Buffer.concat([cstr(''), cstr('SELECT $1::int * 2 AS v'), Buffer.from([0, 0])])),
    msg('B', bind), msg('D', Buffer.concat([Buffer.from('P'), cstr('')])),
    msg('E', Buffer.concat([cstr(''), Buffer.from([0, 0, 0, 0])])),
  ]);
  // Send a's Parse/Bind/Describe/Execute byte by byte, without Sync yet.
  for (let i = 0; i < bytes.length; i++) { a.send(bytes.subarray(i, i + 1)); if (i % 7 === 0) await sleep(1); }
  // PGlite answers Parse..Execute without waiting for Sync; a still owns the session.
  const early = parseResult(await a.waitFor((m) => m.type === 'C'));
  assert.deepEqual(early.rows, [['42']]);
  // b's query waits until a's Sync.
  b.send(msg('Q', cstr('SELECT 7')));
  await sleep(300);
  assert.equal(b.messages.filter((m) => m.type === 'Z').length, 0, 'b ran inside a\'s unfinished extended exchange');
  a.send(msg('S'));
  const ra = parseResult(await a.waitFor((m) => m.type === 'Z'));
  assert.equal(ra.status, 'I');
  assert.deepEqual([...early.msgs, ...ra.msgs].map((m) => m.type).filter((t) => t !== 'N'), ['1', '2', 'T', 'D', 'C', 'Z']);
  const rb = parseResult(await b.waitFor((m) => m.type === 'Z'));
  assert.deepEqual(rb.rows, [['7']]);
  // Several pipelined simple queries in one write.
  b.send(Buffer.concat([msg('Q', cstr('SELECT 1')), msg('Q', cstr('SELECT 2')), msg('Q', cstr('SELECT 3'))]));
  const rows = [];
  for (let i = 0; i < 3; i++) rows.push(parseResult(await b.waitFor((m) => m.type === 'Z')).rows[0][0]);
  assert.deepEqual(rows, ['1', '2', '3']);
  a.destroy(); b.destroy();
});
