// The encrypted backup of a wallet's key, in the CLI keystore's file format (docs/wallet.md
// "Key files", wallet-cli/keystore.cc): Argon2id 1.3 of the passphrase (libsodium's
// crypto_pwhash: one lane, a 32-byte key, memlimit in bytes), XSalsa20-Poly1305 secretbox of the
// 32-byte seed (the MAC first, as crypto_secretbox_easy writes it). A file written here goes into
// the CLI's keys directory as it is; one the CLI wrote is read here. The pure-JavaScript Argon2id
// and secretbox of @noble are loaded only when a backup is made or read: the CSP allows no
// WebAssembly, and WebCrypto has neither.

import { fromHex, toHex, equalBytes, randomBytes } from "./bytes";
import { publicKeyOfSeed } from "./keys";

// The browser uses libsodium's INTERACTIVE limits (2 passes, 64 MiB), as the CLI's --fast: a
// phone may not have 256 MiB to spare. The limits are stored in the file, so the CLI opens it.
const kOpsInteractive = 2;
const kMemInteractive = 67108864;
// What this page accepts from a file: up to libsodium's MODERATE (the CLI's default), not more,
// so that a crafted file cannot exhaust a phone's memory.
const kOpsMax = 4;
const kMemMax = 268435456;
const kMemMin = 8192; // crypto_pwhash_MEMLIMIT_MIN

async function kdf(passphrase: string, salt: Uint8Array, ops: number, mem: number): Promise<Uint8Array> {
  const { argon2idAsync } = await import("@noble/hashes/argon2");
  return argon2idAsync(new TextEncoder().encode(passphrase), salt, { t: ops, m: mem / 1024, p: 1, dkLen: 32, version: 0x13 });
}

export interface KeyFile {
  version: 1;
  public_key: string;
  account: string;
  staff?: boolean;
  kdf: "argon2id13";
  opslimit: number;
  memlimit: number;
  salt: string;
  nonce: string;
  ciphertext: string;
}

export async function sealSeed(seed: Uint8Array, publicKey: Uint8Array, passphrase: string): Promise<string> {
  const salt = randomBytes(16);
  const nonce = randomBytes(24);
  const key = await kdf(passphrase, salt, kOpsInteractive, kMemInteractive);
  const { secretbox } = await import("@noble/ciphers/salsa");
  const ciphertext = secretbox(key, nonce).seal(seed);
  key.fill(0);
  const f: KeyFile = {
    version: 1,
    public_key: toHex(publicKey),
    account: toHex(publicKey),
    kdf: "argon2id13",
    opslimit: kOpsInteractive,
    memlimit: kMemInteractive,
    salt: toHex(salt),
    nonce: toHex(nonce),
    ciphertext: toHex(ciphertext),
  };
  return JSON.stringify(f, null, 2) + "\n";
}

export type OpenProblem = { problem: "bad-file"; why: string } | { problem: "wrong-pass" } | { problem: "staff" };

export async function openSeed(
  text: string,
  passphrase: string,
): Promise<{ seed: Uint8Array; publicKey: Uint8Array; account: Uint8Array } | OpenProblem> {
  const bad = (why: string): OpenProblem => ({ problem: "bad-file", why });
  let j: Record<string, unknown>;
  try {
    j = JSON.parse(text);
  } catch {
    return bad("JSON");
  }
  if (typeof j !== "object" || j === null) return bad("JSON");
  if (j.version !== 1) return bad("version");
  if (j.kdf !== "argon2id13") return bad("kdf");
  if (j.staff === true) return { problem: "staff" };
  const hex = (name: string, size: number): Uint8Array | null => {
    const v = j[name];
    if (typeof v !== "string") return null;
    const b = fromHex(v);
    return b && b.length === size ? b : null;
  };
  const publicKey = hex("public_key", 32);
  const account = hex("account", 32);
  const salt = hex("salt", 16);
  const nonce = hex("nonce", 24);
  const ciphertext = hex("ciphertext", 48);
  if (!publicKey || !account || !salt || !nonce || !ciphertext) return bad("public_key, account, salt, nonce, ciphertext");
  const ops = j.opslimit;
  const mem = j.memlimit;
  if (typeof ops !== "number" || typeof mem !== "number" || !Number.isInteger(ops) || !Number.isInteger(mem) || ops < 1 || ops > kOpsMax || mem < kMemMin || mem > kMemMax || mem % 1024 !== 0)
    return bad("opslimit, memlimit");
  const key = await kdf(passphrase, salt, ops, mem);
  const { secretbox } = await import("@noble/ciphers/salsa");
  let seed: Uint8Array;
  try {
    seed = secretbox(key, nonce).open(ciphertext);
  } catch {
    return { problem: "wrong-pass" };
  } finally {
    key.fill(0);
  }
  if (!equalBytes(await publicKeyOfSeed(seed), publicKey)) {
    seed.fill(0);
    return bad("public_key");
  }
  return { seed, publicKey, account };
}
