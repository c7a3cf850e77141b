// Bad input never kills the launcher and never loses committed data.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import crypto from 'node:crypto';
import { startLauncher, psql, psqlOk, RawClient, msg, cstr, Q, startupPacket, parseResult, sleep } from './helpers.mjs';

let L;
before(async () => {
  L = await startLauncher({ memory: true });
  await psqlOk(L.conninfo, 'CREATE TABLE keep(x int); INSERT INTO keep VALUES (1), (2), (3)');
});
after(async () => {
  if (!L) return;
  const e = await L.stop();
  assert.deepEqual(e, { code: 0, signal: null }, L.stderr);
});

async function alive() {
  assert.equal(L.exited, null, `launcher exited:\n${L.stderr}`);
  assert.equal(await psqlOk(L.conninfo, 'SELECT sum(x) FROM keep'), '6');
}

// Opens a socket, writes bytes, returns everything received until the server closes.
function rawExchange(bytes, { timeoutMs = 10000 } = {}) {
  return new Promise((resolve, reject) => {
    const s = net.connect(L.port, '127.0.0.1');
    const got = [];
    const t = setTimeout(() => { s.destroy(); reject(new Error('server did not close the connection')); }, timeoutMs);
    s.on('connect', () => s.write(bytes));
    s.on('data', (d) => got.push(d));
    s.on('error', () => {});
    s.on('close', () => { clearTimeout(t); resolve(Buffer.concat(got)); });
  });
}

test('garbage bytes before startup: connection closed, server alive', async () => {
  // One byte, then gone.
  const s = net.connect(L.port, '127.0.0.1');
  s.on('error', () => {});
  s.on('connect', () => { s.write(Buffer.from([0x42])); setTimeout(() => s.destroy(), 50); });
  for (const n of [7, 5000]) {
    const g = crypto.randomBytes(n);
    g[0] |= 0x10; // an absurd length: the server must answer and close at once
    const r = await rawExchange(g);
    assert.equal(String.fromCharCode(r[0]), 'E');
  }
  const r = await rawExchange(Buffer.from([0, 0, 0, 2, 1, 2, 3, 4]));
  assert.equal(String.fromCharCode(r[0]), 'E');
  await rawExchange(Buffer.from([0x7f, 0xff, 0xff, 0xff, 0, 3, 0, 0]));
  await alive();
});

test('HTTP GET: ErrorResponse and close, server alive', async () => {
  const r = await rawExchange(Buffer.from('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'));
  assert.equal(String.fromCharCode(r[0]), 'E');
  assert.match(r.toString('latin1'), /invalid startup packet length/);
  await alive();
});

test('garbage, unknown message types and malformed messages after startup', async () => {
  for (const bad of [
    crypto.randomBytes(4096),
    msg('Y'),
    Buffer.concat([Buffer.from('Q'), Buffer.from([0, 0, 0, 2])]),
    msg('Q', Buffer.from('SELECT 1')), // no terminating NUL
    msg('P', Buffer.from('x')),
  ]) {
    const c = await RawClient.open(L.port);
    c.send(bad);
    assert.ok(await c.waitClosed(), 'server closes a client sending garbage');
    await alive();
  }
  // Well-framed but bad content: PGlite raises an error, the client keeps its connection.
  for (const bad of [
    msg('F', Buffer.from([0, 0, 0, 1, 0, 0, 0, 0, 0, 0])),
    Buffer.concat([msg('F', Buffer.from([0]))]),
    Buffer.concat([msg('D', Buffer.from('Zx\0')), msg('S')]),
    Buffer.concat([msg('C', Buffer.from('Zx\0')), msg('S')]),
    Buffer.concat([msg('B', Buffer.from([0])), msg('S')]),
    Buffer.concat([msg('E'), msg('S')]),
  ]) {
    const c = await RawClient.open(L.port);
    c.send(bad);
    const r = parseResult(await c.waitFor((m) => m.type === 'Z'));
    assert.ok(r.error, 'an ErrorResponse');
    assert.equal(r.status, 'I');
    assert.deepEqual((await c.query('SELECT 8')).rows, [['8']]);
    c.destroy();
  }
  await alive();
  // Protocol version 2, SSLRequest / GSSENCRequest answered 'N', cancel request closed.
  const v2 = Buffer.alloc(8); v2.writeInt32BE(8); v2.writeInt32BE(131072, 4);
  assert.equal(String.fromCharCode((await rawExchange(v2))[0]), 'E');
  for (const code of [80877103, 80877104]) {
    const c = await RawClient.connect(L.port);
    c.framed = false;
    const b = Buffer.alloc(8); b.writeInt32BE(8); b.writeInt32BE(code, 4);
    c.send(b);
    for (let i = 0; i < 100 && c.buf.length === 0; i++) await sleep(20);
    assert.equal(c.buf.toString('latin1'), 'N');
    c.buf = Buffer.alloc(0); c.framed = true;
    c.send(startupPacket());
    await c.waitFor((m) => m.type === 'Z');
    c.messages = [];
    assert.deepEqual((await c.query('SELECT 5')).rows, [['5']]);
    c.destroy();
  }
  const cancel = Buffer.alloc(16); cancel.writeInt32BE(16); cancel.writeInt32BE(80877102, 4);
  await rawExchange(cancel);
  await alive();
});

test('queries over 64 KB and of 1 MB work (psql and raw, split into small writes)', async () => {
  const q70 = `SELECT length('${'a'.repeat(70 * 1024)}')`;
  assert.equal(await psqlOk(L.conninfo, null, { input: q70 + ';\n' }), String(70 * 1024));
  const big = 'b'.repeat(1024 * 1024);
  assert.equal(await psqlOk(L.conninfo, null, { input: `SELECT length('${big}'), md5('${big}');\n` }),
    `${big.length}|${crypto.createHash('md5').update(big).digest('hex')}`);
  // A 1 MB result.
  assert.equal((await psqlOk(L.conninfo, "SELECT repeat('z', 1048576)")).length, 1048576);
  // Raw: a 1 MB message delivered in 1000-byte writes.
  const c = await RawClient.open(L.port);
  const m = Q(`SELECT length('${big}')`);
  for (let i = 0; i < m.length; i += 1000) c.send(m.subarray(i, i + 1000));
  const r = parseResult(await c.waitFor((x) => x.type === 'Z'));
  assert.deepEqual(r.rows, [[String(big.length)]]);
  c.destroy();
  await alive();
});

test('COPY FROM STDIN is refused with an error; COPY TO STDOUT works', async () => {
  const r = await psql(L.conninfo, 'COPY keep FROM STDIN');
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /COPY FROM STDIN is not supported by the embedded server/);
  const r2 = await psql(L.conninfo, null, { input: '\\copy keep from stdin\n7\n\\.\n' });
  assert.match(r2.stderr, /COPY FROM STDIN is not supported by the embedded server/);
  // Inside a transaction it aborts the transaction, as an error would.
  const c = await RawClient.open(L.port);
  assert.equal((await c.query('BEGIN; INSERT INTO keep VALUES (100)')).status, 'T');
  const e = await c.query('/* x */ copy keep (x) from stdin with (format csv)');
  assert.equal(e.error.C, '0A000');
  assert.equal(e.status, 'E');
  assert.equal((await c.query('ROLLBACK')).status, 'I');
  // Not fooled by strings and comments.
  assert.deepEqual((await c.query("SELECT 'copy x from stdin' -- copy from stdin\n")).rows, [['copy x from stdin']]);
  c.destroy();
  const out = await psqlOk(L.conninfo, 'COPY (SELECT g FROM generate_series(1, 1000) g) TO STDOUT');
  assert.equal(out.split('\n').length, 1000);
  assert.equal(await psqlOk(L.conninfo, null, { input: '\\copy keep to stdout\n' }), '1\n2\n3');
  await alive();
});

test('clients vanishing mid-query and mid-transaction', async () => {
  // Mid-query, no transaction.
  const a = await RawClient.open(L.port);
  a.send(Q('SELECT count(*) FROM generate_series(1, 2000000)'));
  a.destroy();
  // Mid-query inside a transaction: rolled back.
  const b = await RawClient.open(L.port);
  b.send(Q('BEGIN; INSERT INTO keep VALUES (1000)'));
  b.send(Q('SELECT count(*) FROM generate_series(1, 2000000)'));
  await sleep(5);
  b.destroy();
  // Half a message, then gone.
  const c = await RawClient.open(L.port);
  c.send(Q('SELECT 1').subarray(0, 6));
  c.destroy();
  // Sockets opened and dropped during startup.
  for (let i = 0; i < 20; i++) {
    const s = net.connect(L.port, '127.0.0.1');
    s.on('error', () => {});
    s.on('connect', () => { s.write(startupPacket().subarray(0, 10)); s.destroy(); });
  }
  await sleep(200);
  await alive();
  assert.equal(await psqlOk(L.conninfo, 'SELECT count(*) FROM keep WHERE x = 1000'), '0');
});
