// Keys in the browser: WebCrypto Ed25519, the private half non-extractable, kept in IndexedDB
// (a CryptoKey is stored as such: the page can sign with it, never read it).

import { buf, concat } from "./bytes";

export interface StoredKey {
  name: string; // "wallet" or "till"
  privateKey: CryptoKey; // non-extractable, usage "sign"
  publicKey: Uint8Array; // 32 bytes
  account: Uint8Array; // the account it signs for: its own id, or the shop's for a till
  createdMs: number;
}

const kDb = "liard";
const kStore = "keys";

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(kDb, 1);
    req.onupgradeneeded = () => {
      req.result.createObjectStore(kStore, { keyPath: "name" });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function tx<T>(mode: IDBTransactionMode, f: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await openDb();
  try {
    return await new Promise<T>((resolve, reject) => {
      const t = db.transaction(kStore, mode);
      const req = f(t.objectStore(kStore));
      t.oncomplete = () => resolve(req.result);
      t.onerror = () => reject(t.error);
      t.onabort = () => reject(t.error);
    });
  } finally {
    db.close();
  }
}

export async function loadKey(name: string): Promise<StoredKey | null> {
  const k = await tx<StoredKey | undefined>("readonly", (s) => s.get(name) as IDBRequest<StoredKey | undefined>);
  return k ?? null;
}

export async function saveKey(k: StoredKey): Promise<void> {
  await tx("readwrite", (s) => s.put(k));
}

export async function deleteKey(name: string): Promise<void> {
  await tx("readwrite", (s) => s.delete(name));
}

export async function publicKeyOf(pair: CryptoKeyPair): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
}

// A new key whose private half can never leave the browser.
export async function generateKey(name: string): Promise<StoredKey> {
  const pair = (await crypto.subtle.generateKey({ name: "Ed25519" }, false, ["sign", "verify"])) as CryptoKeyPair;
  const pub = await publicKeyOf(pair);
  return { name, privateKey: pair.privateKey, publicKey: pub, account: pub, createdMs: Date.now() };
}

// PKCS#8 of an Ed25519 seed (RFC 8410): a fixed 16-byte prefix, then the 32-byte seed.
const kPkcs8Prefix = new Uint8Array([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);

// A seed (the 32 bytes of a liard key file) as a non-extractable signing key.
export async function importSeed(seed: Uint8Array): Promise<CryptoKey> {
  if (seed.length !== 32) throw new Error("a seed has 32 bytes");
  return crypto.subtle.importKey("pkcs8", buf(concat(kPkcs8Prefix, seed)), { name: "Ed25519" }, false, ["sign"]);
}

// The one moment a seed exists in the page: a key made extractable once, to be written into
// an encrypted backup, then imported again non-extractable. The caller wipes the seed.
export async function generateSeed(): Promise<{ seed: Uint8Array; publicKey: Uint8Array }> {
  const pair = (await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"])) as CryptoKeyPair;
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", pair.privateKey));
  const seed = pkcs8.slice(pkcs8.length - 32);
  pkcs8.fill(0);
  return { seed, publicKey: await publicKeyOf(pair) };
}

// The public key a seed gives, to check a decrypted backup against the file's public_key.
export async function publicKeyOfSeed(seed: Uint8Array): Promise<Uint8Array> {
  const extractable = await crypto.subtle.importKey("pkcs8", buf(concat(kPkcs8Prefix, seed)), { name: "Ed25519" }, true, ["sign"]);
  const jwk = await crypto.subtle.exportKey("jwk", extractable);
  const x = jwk.x ?? "";
  const b64 = x.replace(/-/g, "+").replace(/_/g, "/");
  const bin = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

export async function sign(key: CryptoKey, message: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign({ name: "Ed25519" }, key, buf(message)));
}

export async function verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  try {
    const k = await crypto.subtle.importKey("raw", buf(publicKey), { name: "Ed25519" }, false, ["verify"]);
    return await crypto.subtle.verify({ name: "Ed25519" }, k, buf(signature), buf(message));
  } catch {
    return false;
  }
}

export async function sha256(...parts: Uint8Array[]): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", buf(concat(...parts))));
}
