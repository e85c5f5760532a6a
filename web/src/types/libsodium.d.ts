// The few libsodium-wrappers-sumo calls the backup file needs (the package ships no types).
declare module "libsodium-wrappers-sumo" {
  interface Sodium {
    ready: Promise<void>;
    crypto_pwhash_SALTBYTES: number;
    crypto_secretbox_NONCEBYTES: number;
    crypto_secretbox_KEYBYTES: number;
    crypto_pwhash_ALG_ARGON2ID13: number;
    randombytes_buf(n: number): Uint8Array;
    crypto_pwhash(len: number, passwd: Uint8Array, salt: Uint8Array, ops: number, mem: number, alg: number): Uint8Array;
    crypto_secretbox_easy(msg: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array;
    crypto_secretbox_open_easy(c: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array;
    memzero(b: Uint8Array): void;
  }
  const sodium: Sodium;
  export default sodium;
}
