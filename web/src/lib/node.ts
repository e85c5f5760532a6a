// The node, from the browser: liard.v1.LedgerService over the Connect protocol (JSON), on the
// page's own origin; the ledger's identity checked from its genesis; private reads signed.

import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { GenesisSchema, ReadRequestBodySchema, type Genesis } from "@gen/liard/v1/ledger_pb";
import { LedgerService, ReadAuthSchema, type ReadAuth } from "@gen/liard/v1/node_pb";
import { concat, equalBytes, randomBytes, utf8 } from "./bytes";
import { sha256, sign } from "./keys";

export type Ledger = Client<typeof LedgerService>;

export function connect(baseUrl: string = location.origin): Ledger {
  const transport = createConnectTransport({ baseUrl, useBinaryFormat: false });
  return createClient(LedgerService, transport);
}

export const kGenesisDomain = utf8("liard/v1/genesis\0");
export const kOperationDomain = utf8("liard/v1/operation\0");
export const kReadDomain = utf8("liard/v1/read\0");
export const kRequestDomain = utf8("liard/v1/request\0");

export interface LedgerInfo {
  ledgerId: Uint8Array;
  genesis: Genesis;
  code: string; // "ROUE"
  decimals: number;
  timeZone: string; // "Europe/Paris"; UTC for a genesis that names none
}

// GetGenesis, with its id recomputed from the bytes (docs/protocol.md section 3): the node cannot
// make the page sign for another ledger than the one it shows.
export async function ledgerInfo(node: Ledger): Promise<LedgerInfo> {
  const g = await node.getGenesis({});
  const id = await sha256(kGenesisDomain, g.genesis);
  if (!equalBytes(id, g.ledgerId)) throw new Error("genesis-mismatch");
  const genesis = fromBinary(GenesisSchema, g.genesis);
  return {
    ledgerId: id,
    genesis,
    code: genesis.currencyCode,
    decimals: genesis.decimals,
    timeZone: genesis.timeZone || "UTC",
  };
}

// How long a read request lives: the node takes at most 5 minutes; the wallet's CLI uses 60 s.
// A Watch ends when it expires and is resumed with a fresh one.
export const kReadLifetimeMs = 60_000;
export const kWatchLifetimeMs = 240_000;

export interface ReadParams {
  method: "GetAccount" | "GetHistory" | "Watch";
  target: Uint8Array;
  fromSequence?: bigint;
  beforeSequence?: bigint;
  limit?: number;
  lifetimeMs?: number;
}

// A ReadAuth for one call (docs/protocol.md section 15), signed by `key` for account `reader`.
export async function readAuth(
  ledger: LedgerInfo,
  reader: Uint8Array,
  publicKey: Uint8Array,
  key: CryptoKey,
  p: ReadParams,
): Promise<ReadAuth> {
  const body = toBinary(
    ReadRequestBodySchema,
    create(ReadRequestBodySchema, {
      ledgerId: ledger.ledgerId,
      reader,
      method: p.method,
      target: p.target,
      notAfterMs: BigInt(Date.now() + (p.lifetimeMs ?? kReadLifetimeMs)),
      fromSequence: p.fromSequence ?? 0n,
      beforeSequence: p.beforeSequence ?? 0n,
      limit: p.limit ?? 0,
      nonce: randomBytes(16),
    }),
  );
  const signature = await sign(key, concat(kReadDomain, ledger.ledgerId, body));
  return create(ReadAuthSchema, { body, publicKey, signature });
}

// What a refusal carries: the code and figures of docs/protocol.md section 11, from the
// `liard-code` and `liard-figure-<name>` trailers.
export interface Refusal {
  status: Code; // the Connect (gRPC) status
  code: number; // the liard rejection code; 0 when the node sent none
  codeName: string;
  figures: Map<string, bigint>;
  message: string; // the node's English sentence, for logs
  resumeFrom: bigint | null; // a Watch whose read request expired: where to continue
}

export function refusalOf(err: unknown): Refusal {
  const e = ConnectError.from(err);
  const md = e.metadata;
  const figures = new Map<string, bigint>();
  md.forEach((value, name) => {
    const n = name.toLowerCase();
    if (n.startsWith("liard-figure-") && /^-?[0-9]+$/.test(value)) figures.set(n.slice(13), BigInt(value));
  });
  const code = Number(md.get("liard-code") ?? "0");
  const resume = md.get("liard-resume-from");
  return {
    status: e.code,
    code: Number.isFinite(code) ? code : 0,
    codeName: md.get("liard-code-name") ?? "",
    figures,
    message: e.rawMessage,
    resumeFrom: resume && /^[0-9]+$/.test(resume) ? BigInt(resume) : null,
  };
}

export { Code };
