// Flags, ready line, signals, persistence across SIGKILL, TSL after a warm start.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LAUNCHER, startLauncher, run, psql, psqlOk, RawClient, tmpDir } from './helpers.mjs';

const TOP = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const running = new Set();
const dirs = [];
async function start(opts) { const L = await startLauncher(opts); running.add(L); return L; }
after(async () => {
  for (const L of running) await L.stop('SIGKILL');
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

test('bad flags exit 2 with a message', async () => {
  const cases = [
    [['--bogus', '--memory'], /unknown option: --bogus/],
    [['--port', 'abc', '--memory'], /invalid port/],
    [['--port', '70000', '--memory'], /invalid port/],
    [['--port'], /needs a value/],
    [[], /one of --data DIR or --memory is required/],
    [['--memory', '--data', '/tmp/x'], /exclusive/],
    [['--memory', '--host', '0.0.0.0'], /refusing to listen on non-loopback host 0\.0\.0\.0/],
    [['--memory', '--host', '192.168.1.5'], /non-loopback/],
  ];
  for (const [args, re] of cases) {
    const r = await run(process.execPath, [LAUNCHER, ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(r.stdout, '');
  }
});

test('--port 0 prints exactly one ready line; SIGTERM exits 0; --no-extension', async () => {
  const L = await start({ memory: true, extra: ['--no-extension'] });
  assert.match(L.stdout, /^tsdb-launcher ready port=\d+ pid=\d+\n$/);
  assert.ok(L.port > 0);
  assert.equal(L.readyPid, L.pid);
  assert.equal(await psqlOk(L.conninfo, "SELECT count(*) FROM pg_extension WHERE extname = 'timescaledb'"), '0');
  const e = await L.stop('SIGTERM');
  running.delete(L);
  assert.deepEqual(e, { code: 0, signal: null }, L.stderr);
  assert.equal(L.stdout.split('\n').length, 2, 'nothing but the ready line on stdout');
  // SIGINT too, with a client connected inside a transaction.
  const M = await start({ memory: true, extra: ['--no-extension'] });
  const c = await RawClient.open(M.port);
  assert.equal((await c.query('BEGIN')).status, 'T');
  const e2 = await M.stop('SIGINT');
  running.delete(M);
  assert.deepEqual(e2, { code: 0, signal: null }, M.stderr);
  c.destroy();
});

test('committed data survives SIGKILL; compression works after the warm start', async () => {
  const base = tmpDir(); dirs.push(base);
  const data = path.join(base, 'data');
  let L = await start({ data });
  await psqlOk(L.conninfo, `
    CREATE TABLE m(t timestamptz NOT NULL, dev int, v double precision);
    SELECT create_hypertable('m', by_range('t', interval '1 day'));
    INSERT INTO m SELECT '2025-01-01'::timestamptz + g * interval '1 hour', g % 4, g FROM generate_series(0, 239) g;
    ALTER TABLE m SET (timescaledb.compress, timescaledb.compress_segmentby = 'dev');`);
  // An open transaction at the time of the kill is lost, as it should be.
  const c = await RawClient.open(L.port);
  assert.equal((await c.query("BEGIN; INSERT INTO m VALUES ('2025-02-01', 9, -1)")).status, 'T');
  const k = await L.stop('SIGKILL');
  running.delete(L);
  assert.equal(k.signal, 'SIGKILL');
  c.destroy();

  L = await start({ data });
  assert.equal(await psqlOk(L.conninfo, 'SELECT count(*), sum(v) FROM m'), '240|28680');
  assert.equal(await psqlOk(L.conninfo, 'SELECT count(*) FROM m WHERE dev = 9'), '0');
  assert.equal(await psqlOk(L.conninfo, "SELECT current_setting('timescaledb.license')"), 'timescale');
  assert.equal(await psqlOk(L.conninfo, "SELECT count(compress_chunk(ch)) FROM show_chunks('m') ch"), '10');
  assert.equal(await psqlOk(L.conninfo, "SELECT count(*) FROM timescaledb_information.chunks WHERE hypertable_name = 'm' AND is_compressed"), '10');
  assert.equal(await psqlOk(L.conninfo, 'SELECT count(*), sum(v) FROM m'), '240|28680');
  const stats = await psqlOk(L.conninfo, "SELECT total_chunks, number_compressed_chunks FROM hypertable_compression_stats('m')");
  assert.equal(stats, '10|10');
  const e = await L.stop('SIGTERM');
  running.delete(L);
  assert.deepEqual(e, { code: 0, signal: null }, L.stderr);

  // A third start after the clean stop: still there, TSL loaded, decompression works.
  L = await start({ data });
  assert.equal(await psqlOk(L.conninfo, "SELECT count(decompress_chunk(ch)) FROM show_chunks('m') ch"), '10');
  assert.equal(await psqlOk(L.conninfo, 'SELECT count(*), sum(v) FROM m'), '240|28680');
  await L.stop('SIGTERM');
  running.delete(L);
});

test('a busy port is reported and exits non-zero', async () => {
  const L = await start({ memory: true, extra: ['--no-extension'] });
  const r = await run(process.execPath, [LAUNCHER, '--memory', '--no-extension', '--port', String(L.port)]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /cannot listen on 127\.0\.0\.1:\d+/);
  assert.equal(r.stdout, '');
  await L.stop();
  running.delete(L);
});

test('tests/tools/tsdb.sh: tsdb_start/tsdb_stop, two instances, no leaked process', async () => {
  const base = tmpDir(); dirs.push(base);
  const script = `
    set -u
    . "${TOP}/tests/tools/tsdb.sh"
    trap tsdb_stop EXIT
    tsdb_start memory || exit 1
    P1=$TSDB_PID C1=$TSDB_CONNINFO
    tsdb_start "${base}/d2" || exit 1
    P2=$TSDB_PID
    [ "$P1" != "$P2" ] || exit 3
    psql -X -At "$C1" -c 'SELECT 1' || exit 4
    psql -X -At "$TSDB_CONNINFO" -c 'SELECT 2' || exit 5
    echo "pids $P1 $P2"
    tsdb_stop "$P1" || exit 6
    kill -0 "$P1" 2>/dev/null && exit 7
    psql -X -At "$TSDB_CONNINFO" -c 'SELECT 3' || exit 8
    case "$TSDB_CONNINFO" in "host=127.0.0.1 port=$TSDB_PORT user=postgres dbname=template1") ;; *) exit 9 ;; esac
    exit 0`;
  const r = await run('sh', ['-c', script], { timeoutMs: 120000 });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const m = /pids (\d+) (\d+)/.exec(r.stdout);
  assert.ok(m, r.stdout);
  assert.equal(r.stdout.split('\n').slice(0, 3).join(','), '1,2,' + m[0]);
  for (const p of [m[1], m[2]]) {
    assert.throws(() => process.kill(Number(p), 0), /ESRCH/, `launcher ${p} leaked`);
  }
  // A launcher that cannot start: non-zero and its stderr shown.
  const bad = await run('sh', ['-c', `. "${TOP}/tests/tools/tsdb.sh"; TSDB_LAUNCHER=/nonexistent.mjs tsdb_start memory`]);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /launcher exited before it was ready/);
});
