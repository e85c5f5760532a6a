// The encrypted backup of a wallet's key, in the CLI keystore's file format (docs/wallet.md
// "Key files", wallet-cli/keystore.cc): Argon2id 1.3 of the passphrase, XSalsa20-Poly1305
// secretbox of the 32-byte seed. A file written here goes into the CLI's keys directory as it is;
// one the CLI wrote is read here. libsodium is loaded only when a backup is made or read.

import { fromHex, toHex, equalBytes } from "./bytes";
import { publicKeyOfSeed } from "./keys";

// The browser uses libsodium's INTERACTIVE limits (2 passes, 64 MiB), as the CLI's --fast: a
// phone may not have 256 MiB to spare. The limits are stored in the file, so the CLI opens it.
const kOpsInteractive = 2;
const kMemInteractive = 67108864;
// What this page accepts from a file: up to libsodium's MODERATE (the CLI's default), not more,
// so that a crafted file cannot exhaust a phone's memory.
const kOpsMax = 4;
const kMemMax = 268435456;

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

async function sodium() {
  const mod = await import("libsodium-wrappers-sumo");
  const s = mod.default;
  await s.ready;
  return s;
}

export async function sealSeed(seed: Uint8Array, publicKey: Uint8Array, passphrase: string): Promise<string> {
  const s = await sodium();
  const salt = s.randombytes_buf(s.crypto_pwhash_SALTBYTES);
  const nonce = s.randombytes_buf(s.crypto_secretbox_NONCEBYTES);
  const key = s.crypto_pwhash(
    s.crypto_secretbox_KEYBYTES,
    new TextEncoder().encode(passphrase),
    salt,
    kOpsInteractive,
    kMemInteractive,
    s.crypto_pwhash_ALG_ARGON2ID13,
  );
  const ciphertext = s.crypto_secretbox_easy(seed, nonce, key);
  s.memzero(key);
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
  if (typeof ops !== "number" || typeof mem !== "number" || !Number.isInteger(ops) || !Number.isInteger(mem) || ops < 1 || ops > kOpsMax || mem < 8192 || mem > kMemMax)
    return bad("opslimit, memlimit");
  const s = await sodium();
  const key = s.crypto_pwhash(s.crypto_secretbox_KEYBYTES, new TextEncoder().encode(passphrase), salt, ops, mem, s.crypto_pwhash_ALG_ARGON2ID13);
  let seed: Uint8Array;
  try {
    seed = s.crypto_secretbox_open_easy(ciphertext, nonce, key);
  } catch {
    return { problem: "wrong-pass" };
  } finally {
    s.memzero(key);
  }
  if (!equalBytes(await publicKeyOfSeed(seed), publicKey)) {
    seed.fill(0);
    return bad("public_key");
  }
  return { seed, publicKey, account };
}
