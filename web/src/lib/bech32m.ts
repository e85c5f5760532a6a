// Addresses: the bech32m form of a 32-byte account id (docs/protocol.md section 9), as
// ledger/address.cc writes and reads them.

const kCharset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
const kBech32mConst = 0x2bc830a3;

function polymod(values: number[]): number {
  const gen = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = (((chk & 0x1ffffff) << 5) ^ v) >>> 0;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk = (chk ^ gen[i]) >>> 0;
  }
  return chk;
}

function hrpExpand(hrp: string): number[] {
  const out: number[] = [];
  for (const c of hrp) out.push(c.charCodeAt(0) >> 5);
  out.push(0);
  for (const c of hrp) out.push(c.charCodeAt(0) & 31);
  return out;
}

function toFiveBits(bytes: Uint8Array): number[] {
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = ((acc << 8) | b) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out.push((acc >> bits) & 31);
    }
  }
  if (bits > 0) out.push((acc << (5 - bits)) & 31);
  return out;
}

export function encodeAddress(id: Uint8Array, currencyCode: string): string {
  const hrp = currencyCode.toLowerCase();
  const data = [0, ...toFiveBits(id)];
  const mod = polymod([...hrpExpand(hrp), ...data, 0, 0, 0, 0, 0, 0]) ^ kBech32mConst;
  let out = hrp + "1";
  for (const d of data) out += kCharset[d];
  for (let i = 0; i < 6; i++) out += kCharset[(mod >>> (5 * (5 - i))) & 31];
  return out;
}

// The reasons a typed address is refused, as keys of the i18n table.
export type AddressProblem =
  | "empty"
  | "mixed-case"
  | "bad-char"
  | "typo"
  | "other-currency"
  | "bad-length";

export type Decoded = { id: Uint8Array } | { problem: AddressProblem; detail?: string };

export function decodeAddress(text: string, currencyCode: string): Decoded {
  const s = text.trim();
  if (s === "") return { problem: "empty" };
  if (s !== s.toLowerCase() && s !== s.toUpperCase()) return { problem: "mixed-case" };
  const lower = s.toLowerCase();
  if (lower.length > 90) return { problem: "bad-length" };
  const sep = lower.lastIndexOf("1");
  if (sep < 1 || lower.length - sep - 1 < 6) return { problem: "bad-char" };
  const hrp = lower.slice(0, sep);
  const data: number[] = [];
  for (const c of lower.slice(sep + 1)) {
    const v = kCharset.indexOf(c);
    if (v < 0) return { problem: "bad-char", detail: c };
    data.push(v);
  }
  for (const c of hrp) {
    const code = c.charCodeAt(0);
    if (code < 33 || code > 126) return { problem: "bad-char", detail: c };
  }
  if (polymod([...hrpExpand(hrp), ...data]) !== kBech32mConst) return { problem: "typo" };
  if (hrp !== currencyCode.toLowerCase()) return { problem: "other-currency", detail: hrp };
  if (data[0] !== 0 || data.length !== 59) return { problem: "bad-length" };
  const groups = data.slice(1, 53);
  if ((groups[51] & 15) !== 0) return { problem: "bad-length" };
  const id = new Uint8Array(32);
  let acc = 0;
  let bits = 0;
  let at = 0;
  for (const g of groups) {
    acc = ((acc << 5) | g) & 0xfff;
    bits += 5;
    if (bits >= 8 && at < 32) {
      bits -= 8;
      id[at++] = (acc >> bits) & 0xff;
    }
  }
  return { id };
}

// As the CLI shortens them (wallet-cli/format.cc ShortAddress): "roue1qxyzw…abcd".
export function shortAddress(address: string): string {
  const sep = address.lastIndexOf("1");
  if (sep < 0 || address.length < sep + 14) return address;
  return address.slice(0, sep + 6) + "…" + address.slice(-4);
}
