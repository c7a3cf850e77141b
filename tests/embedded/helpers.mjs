// Helpers for the launcher tests: start/stop a launcher, run psql, a raw protocol client.
import { spawn } from 'node:child_process';
import net from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const LAUNCHER = path.join(HERE, 'launcher.mjs');
export const PSQL = fs.existsSync('/usr/bin/psql') ? '/usr/bin/psql' : 'psql';

export function tmpDir(prefix = 'tsdb-launcher-test-') {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

// Starts a launcher; resolves once the ready line arrives.
// opts: { data: DIR } | { memory: true }, extra: [...args]
export function startLauncher(opts = {}, timeoutMs = 90000) {
  const args = [LAUNCHER, '--port', '0'];
  if (opts.data) args.push('--data', opts.data); else args.push('--memory');
  if (opts.extra) args.push(...opts.extra);
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const L = { proc, stdout: '', stderr: '', port: null, pid: proc.pid, exited: null };
  proc.stderr.on('data', (d) => { L.stderr += d; if (process.env.TSDB_LAUNCHER_DEBUG) process.stderr.write(d); });
  L.exitPromise = new Promise((res) => proc.on('exit', (code, signal) => { L.exited = { code, signal }; res(L.exited); }));
  L.stop = async (sig = 'SIGTERM', ms = 20000) => {
    if (L.exited) return L.exited;
    proc.kill(sig);
    const t = setTimeout(() => { if (!L.exited) proc.kill('SIGKILL'); }, ms);
    const r = await L.exitPromise;
    clearTimeout(t);
    return r;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error(`launcher not ready in ${timeoutMs} ms:\n${L.stderr}`)); }, timeoutMs);
    proc.stdout.on('data', (d) => {
      L.stdout += d;
      const m = /^tsdb-launcher ready port=(\d+) pid=(\d+)\n/m.exec(L.stdout);
      if (m && L.port === null) {
        L.port = Number(m[1]);
        L.readyPid = Number(m[2]);
        L.conninfo = `host=127.0.0.1 port=${L.port} user=postgres dbname=template1`;
        L.uri = `postgresql://postgres@127.0.0.1:${L.port}/template1`;
        clearTimeout(timer);
        resolve(L);
      }
    });
    L.exitPromise.then((e) => {
      if (L.port === null) { clearTimeout(timer); reject(new Error(`launcher exited (${JSON.stringify(e)}):\n${L.stderr}`)); }
    });
  });
}

// Runs a command; resolves { code, signal, stdout, stderr }.
export function run(cmd, args, { input, env, timeoutMs = 60000 } = {}) {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => { stderr += d; });
    const t = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('close', (code, signal) => { clearTimeout(t); resolve({ code, signal, stdout, stderr }); });
    p.stdin.on('error', () => {});
    if (input !== undefined) p.stdin.end(input); else p.stdin.end();
  });
}

// psql -X -v ON_ERROR_STOP=1 -At; sql is a string (-c) or use input for a script.
export function psql(conninfo, sql, opts = {}) {
  const args = ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-At', conninfo];
  if (sql !== null && sql !== undefined) args.push('-c', sql);
  const env = { PGCONNECT_TIMEOUT: '20', ...(opts.env || {}) };
  return run(PSQL, args, { ...opts, env });
}

export async function psqlOk(conninfo, sql, opts) {
  const r = await psql(conninfo, sql, opts);
  if (r.code !== 0) throw new Error(`psql failed (${r.code}): ${r.stderr}\nSQL: ${String(sql).slice(0, 200)}`);
  return r.stdout.trim();
}

// ---------------------------------------------------------------- raw protocol
export function msg(type, body = Buffer.alloc(0)) {
  const b = Buffer.alloc(5 + body.length);
  b.write(type, 0, 'latin1');
  b.writeInt32BE(4 + body.length, 1);
  body.copy(b, 5);
  return b;
}
export const cstr = (s) => Buffer.from(s + '\0', 'utf8');
export const Q = (sql) => msg('Q', cstr(sql));

export function startupPacket(params = { user: 'postgres', database: 'template1' }) {
  const kv = Buffer.concat([...Object.entries(params).flatMap(([k, v]) => [cstr(k), cstr(v)]), Buffer.from([0])]);
  const b = Buffer.alloc(8);
  b.writeInt32BE(8 + kv.length, 0);
  b.writeInt32BE(196608, 4);
  return Buffer.concat([b, kv]);
}

// A minimal frontend over a socket: collects backend messages.
export class RawClient {
  constructor(sock) {
    this.sock = sock;
    sock.setNoDelay(true);
    this.buf = Buffer.alloc(0);
    this.messages = [];
    this.closed = false;
    this.waiters = [];
    sock.on('data', (d) => { this.buf = Buffer.concat([this.buf, d]); this.parse(); this.wake(); });
    sock.on('close', () => { this.closed = true; this.wake(); });
    sock.on('error', () => {});
  }

  static connect(port) {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  static async open(port) {
    const c = await RawClient.connect(port);
    c.send(startupPacket());
    await c.waitFor((m) => m.type === 'Z');
    c.messages = [];
    return c;
  }

  parse() {
    // Raw bytes before startup answers ('N') are handled by the caller via this.buf.
    while (this.framed && this.buf.length >= 5) {
      const len = this.buf.readInt32BE(1);
      if (this.buf.length < len + 1) break;
      this.messages.push({ type: String.fromCharCode(this.buf[0]), body: this.buf.subarray(5, len + 1) });
      this.buf = this.buf.subarray(len + 1);
    }
  }

  get framed() { return this._framed !== false; }
  set framed(v) { this._framed = v; if (v) this.parse(); }

  wake() { const w = this.waiters; this.waiters = []; w.forEach((f) => f()); }

  send(b) { this.sock.write(b); }

  // Waits until a message satisfying pred arrived; returns the messages up to it.
  async waitFor(pred, timeoutMs = 30000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.messages.findIndex(pred);
      if (i >= 0) return this.messages.splice(0, i + 1);
      if (this.closed) throw new Error('connection closed');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timeout waiting for message');
      await new Promise((r) => { const t = setTimeout(r, left); this.waiters.push(() => { clearTimeout(t); r(); }); });
    }
  }

  // Simple query: returns { rows: [[text...]], error, status }
  async query(sql, timeoutMs) {
    this.send(Q(sql));
    return parseResult(await this.waitFor((m) => m.type === 'Z', timeoutMs));
  }

  waitClosed(timeoutMs = 10000) {
    return new Promise((resolve) => {
      if (this.closed) return resolve(true);
      const t = setTimeout(() => resolve(false), timeoutMs);
      this.sock.on('close', () => { clearTimeout(t); resolve(true); });
    });
  }

  destroy() { this.sock.destroy(); }
}

export function parseResult(msgs) {
  const rows = [];
  let error = null, status = null;
  const tags = [];
  for (const m of msgs) {
    if (m.type === 'D') {
      const n = m.body.readInt16BE(0);
      let o = 2;
      const row = [];
      for (let i = 0; i < n; i++) {
        const l = m.body.readInt32BE(o); o += 4;
        if (l < 0) row.push(null); else { row.push(m.body.toString('utf8', o, o + l)); o += l; }
      }
      rows.push(row);
    } else if (m.type === 'E') {
      error = errorFields(m.body);
    } else if (m.type === 'Z') {
      status = String.fromCharCode(m.body[0]);
    } else if (m.type === 'C') {
      tags.push(m.body.toString('utf8', 0, m.body.length - 1));
    }
  }
  return { rows, error, status, tags, msgs };
}

export function errorFields(body) {
  const f = {};
  let o = 0;
  while (o < body.length && body[o] !== 0) {
    const k = String.fromCharCode(body[o]);
    const e = body.indexOf(0, o + 1);
    f[k] = body.toString('utf8', o + 1, e);
    o = e + 1;
  }
  return f;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
