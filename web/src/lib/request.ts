// Signed payment requests (docs/protocol.md "Payment requests"): made by the till, read by the
// wallet from `/pay#r=<base64url>`, the same `r` the CLI's liard: URI carries.

import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  PaymentRequestBodySchema,
  SignedRequestSchema,
  type PaymentRequestBody,
  type SignedRequest,
} from "@gen/liard/v1/ledger_pb";
import { concat, equalBytes, fromBase64Url, randomBytes, toBase64Url, toHex, fromUtf8 } from "./bytes";
import { formatPlain } from "./amount";
import { sha256, sign, verify } from "./keys";
import { kRequestDomain, type LedgerInfo } from "./node";

export interface MadeRequest {
  signed: SignedRequest;
  body: PaymentRequestBody;
  id: Uint8Array; // SHA-256 of the signing message
  url: string;
}

export async function requestId(ledgerId: Uint8Array, body: Uint8Array): Promise<Uint8Array> {
  return sha256(kRequestDomain, ledgerId, body);
}

// The wallet page's URL for a request, /pay/#...: everything is in the fragment, which the browser never
// sends to the server. `amount` and `ledger` repeat, as in the CLI's URI, what the payer sees.
export function payUrl(origin: string, signed: SignedRequest, body: PaymentRequestBody, ledger: LedgerInfo): string {
  const params: string[] = [];
  if (body.amount > 0n) params.push("amount=" + formatPlain(body.amount, ledger.decimals));
  if (body.memo.length > 0) params.push("memo=" + encodeMemo(fromUtf8(body.memo)));
  params.push("ledger=" + toHex(ledger.ledgerId).slice(0, 16));
  params.push("r=" + toBase64Url(toBinary(SignedRequestSchema, signed)));
  return origin + "/pay/#" + params.join("&");
}

function encodeMemo(s: string): string {
  let out = "";
  for (const b of new TextEncoder().encode(s)) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : "%" + b.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

export async function makeRequest(
  ledger: LedgerInfo,
  payee: Uint8Array,
  amount: bigint,
  memo: string,
  expiresMs: number,
  publicKey: Uint8Array,
  key: CryptoKey,
  origin: string,
): Promise<MadeRequest> {
  const body = create(PaymentRequestBodySchema, {
    ledgerId: ledger.ledgerId,
    payee,
    amount,
    memo: new TextEncoder().encode(memo.normalize("NFC")),
    expiresMs: BigInt(expiresMs),
    nonce: randomBytes(16),
    createdMs: BigInt(Date.now()),
  });
  const bytes = toBinary(PaymentRequestBodySchema, body);
  const signature = await sign(key, concat(kRequestDomain, ledger.ledgerId, bytes));
  const signed = create(SignedRequestSchema, { body: bytes, publicKey, signature });
  return { signed, body, id: await requestId(ledger.ledgerId, bytes), url: payUrl(origin, signed, body, ledger) };
}

// Why a request link cannot be paid, decided before asking anything of the node.
export type LinkProblem =
  | "no-request" // no r= in the link
  | "malformed" // r does not decode, a parameter twice, an unknown one
  | "bad-signature" // the bytes were changed after the payee signed them
  | "changed" // amount= or memo= differ from the signed ones
  | "other-ledger"; // signed for another currency than the node's

export interface ReadLink {
  signed: SignedRequest;
  body: PaymentRequestBody;
  id: Uint8Array;
}

// Parses the fragment of /pay#... and checks what can be checked offline.
export async function readLink(fragment: string, ledger: LedgerInfo): Promise<ReadLink | { problem: LinkProblem }> {
  const f = fragment.startsWith("#") ? fragment.slice(1) : fragment;
  const params = new Map<string, string>();
  for (const part of f.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    if (eq < 0) return { problem: "malformed" };
    const k = part.slice(0, eq);
    if (params.has(k)) return { problem: "malformed" };
    if (!["amount", "memo", "ledger", "r"].includes(k) && !k.startsWith("x-")) return { problem: "malformed" };
    params.set(k, part.slice(eq + 1));
  }
  const r = params.get("r");
  if (r === undefined) return { problem: "no-request" };
  const raw = fromBase64Url(r);
  if (raw === null) return { problem: "malformed" };
  let signed: SignedRequest;
  let body: PaymentRequestBody;
  try {
    signed = fromBinary(SignedRequestSchema, raw);
    body = fromBinary(PaymentRequestBodySchema, signed.body);
  } catch {
    return { problem: "malformed" };
  }
  // The ledger first: a request of another currency is named as such, whatever else is wrong.
  const prefix = params.get("ledger");
  if (!equalBytes(body.ledgerId, ledger.ledgerId) || (prefix !== undefined && prefix !== toHex(ledger.ledgerId).slice(0, 16)))
    return { problem: "other-ledger" };
  if (!(await verify(signed.publicKey, concat(kRequestDomain, body.ledgerId, signed.body), signed.signature)))
    return { problem: "bad-signature" };
  const amount = params.get("amount");
  if (amount !== undefined && (body.amount === 0n || amount !== formatPlain(body.amount, ledger.decimals)))
    return { problem: "changed" };
  const memo = params.get("memo");
  if (memo !== undefined) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(memo);
    } catch {
      return { problem: "malformed" };
    }
    if (decoded !== fromUtf8(body.memo)) return { problem: "changed" };
  }
  return { signed, body, id: await requestId(body.ledgerId, signed.body) };
}
