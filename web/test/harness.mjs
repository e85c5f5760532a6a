// The browser tests' harness: a real liard-node (a fresh demo in a temporary directory, gRPC and
// the web gateway on free ports of 127.0.0.1), the real liard CLI, and Debian's Chromium driven
// by puppeteer-core (never a downloaded browser).
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export class Node {
  constructor(bin, dataDir, webRoot) {
    this.bin = bin;
    this.data = dataDir;
    this.webRoot = webRoot;
    this.proc = null;
    this.grpcPort = 0;
    this.webPort = 0;
    this.log = "";
  }

  init() {
    const r = spawnSync(this.bin, ["init", "--data", this.data, "--demo"], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`liard-node init: ${r.stdout}${r.stderr}`);
  }

  // Starts the node; the web port is kept across restarts (the pages' origin must not change).
  async start() {
    const web = this.webRoot === null ? [] : ["--web-listen", `127.0.0.1:${this.webPort}`, "--web-root", this.webRoot];
    this.proc = spawn(this.bin, ["run", "--data", this.data, "--listen", "127.0.0.1:0", ...web], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    this.proc.stderr.on("data", (d) => {
      this.log += d;
      if (this.log.length > 1_000_000) this.log = this.log.slice(-500_000);
    });
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`liard-node did not start:\n${out}\n${this.log}`)), 30_000);
      this.proc.on("exit", (code) => reject(new Error(`liard-node exited ${code}:\n${out}\n${this.log}`)));
      this.proc.stdout.on("data", (d) => {
        out += d;
        const g = /liard-node listening on 127\.0\.0\.1:([0-9]+)\n/.exec(out);
        const w = /liard-node web on http:\/\/127\.0\.0\.1:([0-9]+)\n/.exec(out);
        if (g && (w || this.webRoot === null)) {
          this.grpcPort = Number(g[1]);
          if (w) this.webPort = Number(w[1]);
          clearTimeout(timer);
          resolve();
        }
      });
    });
  }

  async stop() {
    if (!this.proc) return;
    const p = this.proc;
    this.proc = null;
    p.removeAllListeners("exit");
    const done = new Promise((resolve) => p.on("exit", resolve));
    p.kill("SIGTERM");
    const timer = setTimeout(() => p.kill("SIGKILL"), 15_000);
    await done;
    clearTimeout(timer);
  }

  get origin() {
    return `http://127.0.0.1:${this.webPort}`;
  }
}

// The liard CLI with its own key directory and passphrase, in English (C.UTF-8).
export class Cli {
  constructor(bin, home, passphrase) {
    this.bin = bin;
    this.home = home;
    this.passphrase = passphrase;
    this.node = null;
  }

  run(args, { passphrase = this.passphrase, ok = true, node = this.node } = {}) {
    const env = {
      PATH: process.env.PATH,
      HOME: this.home,
      XDG_DATA_HOME: join(this.home, "data"),
      XDG_CONFIG_HOME: join(this.home, "config"),
      LANG: "C.UTF-8",
      LIARD_PASSPHRASE: passphrase,
      LIARD_NODE: `127.0.0.1:${node.grpcPort}`,
    };
    const r = spawnSync(this.bin, args, { env, encoding: "utf8", timeout: 60_000 });
    if (ok && r.status !== 0) throw new Error(`liard ${args.join(" ")}: exit ${r.status}\n${r.stdout}${r.stderr}`);
    return r;
  }

  json(args, opts) {
    return JSON.parse(this.run([...args, "--json"], opts).stdout);
  }

  keysDir() {
    return join(this.home, "data", "liard", "keys");
  }
}

export function tempDir(prefix) {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(d) {
  rmSync(d, { recursive: true, force: true });
}

// Minimal protobuf reading and writing for the tests' tampering (field numbers of ledger.proto).
export function readVarint(b, at) {
  let v = 0n;
  let shift = 0n;
  for (;;) {
    const x = b[at++];
    v |= BigInt(x & 0x7f) << shift;
    if ((x & 0x80) === 0) return [v, at];
    shift += 7n;
  }
}

export function writeVarint(v) {
  const out = [];
  let x = BigInt(v);
  do {
    let byte = Number(x & 0x7fn);
    x >>= 7n;
    if (x > 0n) byte |= 0x80;
    out.push(byte);
  } while (x > 0n);
  return Buffer.from(out);
}

// The fields of a message: [{ no, wire, value (bigint or Buffer) }].
export function fields(b) {
  const out = [];
  let at = 0;
  while (at < b.length) {
    let key;
    [key, at] = readVarint(b, at);
    const no = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (wire === 0) {
      let v;
      [v, at] = readVarint(b, at);
      out.push({ no, wire, value: v });
    } else if (wire === 2) {
      let len;
      [len, at] = readVarint(b, at);
      out.push({ no, wire, value: Buffer.from(b.subarray(at, at + Number(len))) });
      at += Number(len);
    } else throw new Error("unexpected wire type " + wire);
  }
  return out;
}

export function encode(fs) {
  const parts = [];
  for (const f of fs) {
    parts.push(writeVarint((BigInt(f.no) << 3n) | BigInt(f.wire)));
    if (f.wire === 0) parts.push(writeVarint(f.value));
    else parts.push(writeVarint(f.value.length), f.value);
  }
  return Buffer.concat(parts);
}

export const b64url = {
  decode: (s) => Buffer.from(s.replace(/-/g, "+").replace(/_/g, "/"), "base64"),
  encode: (b) => Buffer.from(b).toString("base64").replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""),
};
