// Signing an operation in the browser and sending it (docs/protocol.md, "Signing an operation"):
// the body encoded once, signed over "liard/v1/operation\0" || ledger id || body, and the same
// envelope sent again when an answer is lost, so that it can never apply twice.

import { create, toBinary } from "@bufbuild/protobuf";
import { OperationBodySchema, SignedOperationSchema, type OperationBody, type SignedOperation } from "@gen/liard/v1/ledger_pb";
import type { SubmitResponse } from "@gen/liard/v1/node_pb";
import { concat } from "./bytes";
import { sign, type StoredKey } from "./keys";
import { Code, kOperationDomain, refusalOf, type Ledger, type LedgerInfo } from "./node";

// As the CLI: an envelope lost in transit can never be applied much later.
const kOperationLifetimeMs = 15 * 60_000;

// The envelope of `payload` for `key`'s account at `sequence`.
export async function signOperation(
  ledger: LedgerInfo,
  key: StoredKey,
  sequence: bigint,
  payload: OperationBody["payload"],
): Promise<SignedOperation> {
  const body = toBinary(
    OperationBodySchema,
    create(OperationBodySchema, {
      ledgerId: ledger.ledgerId,
      account: key.account,
      sequence,
      notAfterMs: BigInt(Date.now() + kOperationLifetimeMs),
      payload,
    }),
  );
  const signature = await sign(key.privateKey, concat(kOperationDomain, ledger.ledgerId, body));
  return create(SignedOperationSchema, { body, publicKey: key.publicKey, signature });
}

// Sends `envelope`; a lost answer (UNAVAILABLE, UNKNOWN, no liard code) is settled by sending the
// very same envelope again, at most three more times. A refusal is thrown as is.
export async function submitEnvelope(node: Ledger, envelope: SignedOperation): Promise<SubmitResponse> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await node.submit({ operation: envelope });
    } catch (e) {
      const r = refusalOf(e);
      if (r.code === 0 && (r.status === Code.Unavailable || r.status === Code.Unknown) && attempt < 3) {
        await new Promise((res) => setTimeout(res, 500 * (attempt + 1)));
        continue;
      }
      throw e;
    }
  }
}

const kSequenceUsed = 203; // SEQUENCE_USED

// Signs and sends `payload` with the account's next sequence, read by `sequenceNow`. A shop's
// keys share one sequence: when another key (the owner's, another till) took it in between
// (SEQUENCE_USED), the same operation is signed again with the next one, at most twice more.
export async function signAndSubmit(
  node: Ledger,
  ledger: LedgerInfo,
  key: StoredKey,
  sequenceNow: () => Promise<bigint>,
  payload: OperationBody["payload"],
): Promise<SubmitResponse> {
  for (let attempt = 0; ; attempt++) {
    const envelope = await signOperation(ledger, key, (await sequenceNow()) + 1n, payload);
    try {
      return await submitEnvelope(node, envelope);
    } catch (e) {
      if (refusalOf(e).code === kSequenceUsed && attempt < 2) continue;
      throw e;
    }
  }
}
