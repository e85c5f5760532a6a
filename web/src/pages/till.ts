// The till: a shop's counter, with a staff key of scope receive made in this browser. Amount
// typed the French way -> a signed payment request as a QR code of the wallet page's URL; the
// shop's account watched, "Payé ✓" within a second of the commit, the day's total.

import { create, fromBinary } from "@bufbuild/protobuf";
import { CancelRequestSchema, OperationBodySchema } from "@gen/liard/v1/ledger_pb";
import type { Receipt } from "@gen/liard/v1/node_pb";
import { parseAmount } from "../lib/amount";
import { decodeAddress, encodeAddress } from "../lib/bech32m";
import { equalBytes, fromUtf8, toHex } from "../lib/bytes";
import { dayOf, formatDateTime, formatTime } from "../lib/format";
import { lang, money, t } from "../lib/i18n";
import { generateKey, loadKey, saveKey, type StoredKey } from "../lib/keys";
import { Code, connect, ledgerInfo, readAuth, refusalOf, kWatchLifetimeMs, type LedgerInfo } from "../lib/node";
import { signAndSubmit } from "../lib/operation";
import { makeRequest, type MadeRequest } from "../lib/request";
import { $, clear, el, header, keepOffline, qrImage, refusalText, say } from "../lib/ui";

const node = connect();
let ledger: LedgerInfo;
let key: StoredKey | null = null;
let shopName = "";
let current: MadeRequest | null = null;
const names = new Map<string, string>();
let today: { seq: bigint; amount: bigint; payer: Uint8Array; timeMs: number }[] = [];
// The last journal entry seen: the watch resumes after it, and a receipt at or below it was
// counted already (nothing twice). Only the day's payments are kept, so memory stays bounded.
let lastSeq = 0n;
const kMaxNames = 1000; // payers' names kept; forgotten all at once beyond

// A request lives 15 minutes by default: long enough for a queue at the counter.
const kRequestLifetimeMs = 15 * 60_000;

async function nameOf(id: Uint8Array): Promise<string> {
  const k = toHex(id);
  const known = names.get(k);
  if (known !== undefined) return known;
  try {
    const card = await node.lookupAccount({ id });
    if (names.size >= kMaxNames) names.clear();
    names.set(k, card.name);
    return card.name;
  } catch {
    return encodeAddress(id, ledger.code);
  }
}

async function start(): Promise<void> {
  header("till.title");
  keepOffline();
  const net = $("net");
  say(net, t("net.connecting"));
  try {
    ledger = await ledgerInfo(node);
  } catch (e) {
    say(net, e instanceof Error && e.message === "genesis-mismatch" ? t("ledger.genesis-mismatch") : t("ledger.unreachable"), "error");
    return;
  }
  say(net, t("net.online"), "ok");
  key = await loadKey("till");
  await showSetup();
}

async function showSetup(): Promise<void> {
  const setup = $("setup");
  setup.hidden = false;
  $("counter").hidden = true;
  if (!key) {
    const create = el("button", { type: "button", id: "create-key" }, t("till.key.create"));
    create.addEventListener("click", async () => {
      key = await generateKey("till");
      await saveKey(key);
      await showSetup();
    });
    clear(setup, el("h2", {}, t("till.setup")), el("p", {}, t("till.key.none")), create);
    return;
  }
  const address = encodeAddress(key.publicKey, ledger.code);
  const form = el("form", { id: "shop-form" });
  const input = el("input", { id: "shop", name: "shop", type: "text", autocomplete: "off", spellcheck: "false", autocapitalize: "none", required: "" });
  const shopAddr = equalBytes(key.account, key.publicKey) ? "" : encodeAddress(key.account, ledger.code);
  input.value = shopAddr;
  const problem = el("p", { id: "shop-problem", class: "status", role: "alert" });
  form.append(el("label", { for: "shop" }, t("till.shop.label")), input, el("button", { type: "submit" }, t("till.shop.save")), problem);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const d = decodeAddress(input.value, ledger.code);
    if ("problem" in d) {
      say(problem, t("till.shop.bad", { why: t("address." + d.problem) }), "error");
      return;
    }
    key!.account = d.id;
    await saveKey(key!);
    await checkShop(problem);
  });
  clear(
    setup,
    el("h2", {}, t("till.setup")),
    el("h3", {}, t("till.key.title")),
    await qrImage(address, address, 200),
    el("p", { class: "address", id: "till-address" }, address),
    el("p", {}, t("till.key.hint")),
    el("pre", { class: "command" }, t("till.key.command", { address })),
    form,
  );
  if (shopAddr) await checkShop(problem);
}

// The till is ready once the shop's public card lists its key among the request keys.
async function checkShop(problem: HTMLElement): Promise<void> {
  try {
    const card = await node.lookupAccount({ id: key!.account });
    shopName = card.name;
    names.set(toHex(card.id), card.name);
    if (!card.requestKeys.some((k) => equalBytes(k, key!.publicKey))) {
      const again = el("button", { type: "button", id: "check-again" }, t("till.shop.check"));
      again.addEventListener("click", () => checkShop(problem));
      clear(problem, t("till.shop.not-staff", { name: card.name }), " ", again);
      problem.className = "status error";
      return;
    }
  } catch (e) {
    const r = refusalOf(e);
    say(problem, r.status === Code.NotFound ? t("till.shop.unknown") : refusalText(r, ledger), "error");
    return;
  }
  await showCounter();
}

async function showCounter(): Promise<void> {
  $("setup").hidden = true;
  $("counter").hidden = false;
  $("shop-name").textContent = t("till.shop.for", { name: shopName });
  $("amount-label").textContent = t("till.amount.label", { code: ledger.code });
  $("memo-label").textContent = t("till.memo.label");
  $("request-button").textContent = t("till.request");
  $("today-title").textContent = t("till.today");
  const change = $("change-shop");
  change.textContent = t("till.shop.change");
  change.onclick = () => {
    void showSetup();
  };
  ($("request-form") as HTMLFormElement).onsubmit = (ev) => {
    ev.preventDefault();
    void newRequest();
  };
  // Another shop set after the first: start again from a clean page (one watch, one total).
  if (watching) return location.reload();
  watching = true;
  try {
    await loadToday();
  } catch (e) {
    say($("net"), refusalText(refusalOf(e), ledger), "error");
  }
  void watch();
}

let watching = false;

async function newRequest(): Promise<void> {
  const problem = $("amount-problem");
  const text = ($("amount") as HTMLInputElement).value;
  const p = parseAmount(text, ledger.decimals);
  if ("problem" in p) {
    const msg =
      p.problem === "empty" ? t("till.amount.empty") : p.problem === "too-many-decimals" ? t("till.amount.decimals", { text, n: ledger.decimals }) : t("till.amount.invalid", { text });
    say(problem, msg, "error");
    return;
  }
  if (p.minor <= 0n) {
    say(problem, t("till.amount.zero"), "error");
    return;
  }
  const memo = ($("memo") as HTMLInputElement).value.trim().normalize("NFC");
  const memoBytes = new TextEncoder().encode(memo).length;
  if (memoBytes > 256) {
    say(problem, t("till.memo.long", { n: memoBytes }), "error"); // the ledger's limit for a memo
    return;
  }
  say(problem, "");
  const expires = Date.now() + lifetimeMs();
  current = await makeRequest(ledger, key!.account, p.minor, memo, expires, key!.publicKey, key!.privateKey, location.origin);
  const box = $("request");
  const amount = money(p.minor, ledger.decimals, ledger.code);
  const link = el("a", { href: current.url, id: "pay-link", class: "link" }, t("till.request.link"));
  const again = el("button", { type: "button", id: "new-request", class: "secondary" }, t("till.request.new"));
  again.addEventListener("click", () => showForm());
  const made = current;
  const cancel = el("button", { type: "button", id: "cancel-request", class: "secondary" }, t("till.cancel"));
  cancel.addEventListener("click", () => void cancelRequest(made, amount, cancel as HTMLButtonElement));
  clear(
    box,
    el("h2", { id: "request-title" }, t("till.request.title", { amount })),
    await qrImage(current.url, t("till.request.scan"), 340),
    el("p", { class: "hint" }, t("till.request.scan")),
    link,
    el("p", { class: "expires" }, t("till.request.expires", { time: formatTime(expires, ledger.timeZone) })),
    again,
    cancel,
  );
  // The QR code takes the screen while the customer scans; the form comes back once paid.
  box.hidden = false;
  $("request-form").hidden = true;
  say($("paid"), t("till.request.waiting"));
  setTimeout(() => {
    if (current === made && $("paid").dataset.paid !== toHex(made.id)) {
      current = null;
      showForm();
      say($("paid"), t("till.request.expired"), "error");
    }
  }, expires - Date.now() + 500);
}

// The shop's account's last sequence: the till signs for the shop, whose keys share one.
async function shopSequence(): Promise<bigint> {
  const auth = await readAuth(ledger, key!.account, key!.publicKey, key!.privateKey, { method: "GetAccount", target: key!.account });
  return (await node.getAccount({ id: key!.account, auth })).sequence;
}

// A request shown by mistake (a wrong amount) is cancelled on the ledger (CancelRequest, signed
// by the till's key): nobody can pay it any more, even with the QR code already scanned.
async function cancelRequest(made: MadeRequest, amount: string, button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  say($("paid"), t("till.cancel.sending"));
  try {
    await signAndSubmit(node, ledger, key!, shopSequence, { case: "cancelRequest", value: create(CancelRequestSchema, { requestId: made.id }) });
  } catch (e) {
    const r = refusalOf(e);
    button.disabled = false;
    if (r.code === 236) return say($("paid"), t("till.cancel.paid", { amount }), "error");
    if (r.code !== 237) return say($("paid"), refusalText(r, ledger), "error");
  }
  if (current === made) current = null;
  showForm();
  say($("paid"), t("till.cancel.done", { amount }), "ok");
}

function showForm(): void {
  $("request").hidden = true;
  $("request-form").hidden = false;
  const amount = $("amount") as HTMLInputElement;
  amount.value = "";
  ($("memo") as HTMLInputElement).value = "";
  amount.focus();
}

// Tests shorten a request's life with ?expires=SECONDS, and a watch's read request with
// ?watch=SECONDS (1 to 240); the counter never does.
function secondsParam(name: string, otherwise: number, max: number): number {
  const s = new URLSearchParams(location.search).get(name);
  return s && /^[0-9]{1,5}$/.test(s) && Number(s) >= 1 ? Math.min(Number(s), max) * 1000 : otherwise;
}
const lifetimeMs = () => secondsParam("expires", kRequestLifetimeMs, 86_400);
const watchLifetimeMs = () => secondsParam("watch", kWatchLifetimeMs, kWatchLifetimeMs / 1000);

// Today's payments already in the journal, newest first, paged back to the day's start.
async function loadToday(): Promise<void> {
  const head = await node.getHead({});
  lastSeq = head.sequence;
  const day = dayOf(Date.now(), ledger.timeZone);
  let before = 0n;
  for (let page = 0; page < 20; page++) {
    const auth = await readAuth(ledger, key!.account, key!.publicKey, key!.privateKey, {
      method: "GetHistory",
      target: key!.account,
      beforeSequence: before,
      limit: 100,
    });
    const h = await node.getHistory({ id: key!.account, beforeSequence: before, limit: 100, auth });
    let older = false;
    for (const r of h.entries) {
      if (dayOf(Number(r.timeMs), ledger.timeZone) !== day) {
        older = true;
        break;
      }
      await count(r, false);
    }
    if (older || h.nextBefore === 0n) break;
    before = h.nextBefore;
  }
  await renderToday();
}

// A receipt touching the shop: a payment to it is counted once, by its journal sequence.
async function count(r: Receipt, live: boolean): Promise<void> {
  if (live && r.sequence <= lastSeq) return;
  if (r.sequence > lastSeq) lastSeq = r.sequence;
  let payer: Uint8Array | null = null;
  let requestBody: Uint8Array | null = null;
  if (r.operation) {
    const body = fromBinary(OperationBodySchema, r.operation.body);
    if (body.payload.case !== "transfer" || !equalBytes(body.payload.value.to, key!.account)) return;
    payer = body.account;
    requestBody = body.payload.value.request?.body ?? null;
  } else if (r.redacted) {
    payer = r.redacted.payer;
  } else return;
  let amount = 0n;
  for (const p of r.postings) if (p.slot === 1 && equalBytes(p.owner, key!.account) && p.amount > 0n) amount += p.amount;
  if (amount === 0n) return;
  const timeMs = Number(r.timeMs);
  if (dayOf(timeMs, ledger.timeZone) === dayOf(Date.now(), ledger.timeZone)) today.push({ seq: r.sequence, amount, payer, timeMs });
  if (!live) return;
  const name = await nameOf(payer);
  const shown = money(amount, ledger.decimals, ledger.code);
  const paid = $("paid");
  if (current && requestBody && equalBytes(requestBody, current.signed.body)) {
    say(paid, t("till.paid", { amount: shown, name }), "ok");
    paid.dataset.paid = toHex(current.id);
    paid.dataset.at = String(Date.now()); // when it was shown: the browser test measures it
    current = null;
    showForm();
  } else {
    say(paid, t("till.received", { amount: shown, name }), "ok");
  }
  await renderToday();
}

async function renderToday(): Promise<void> {
  const day = dayOf(Date.now(), ledger.timeZone); // past midnight, yesterday's go
  today = today.filter((p) => dayOf(p.timeMs, ledger.timeZone) === day);
  today.sort((a, b) => (a.seq < b.seq ? 1 : -1));
  let total = 0n;
  const list = el("ul", { class: "history" });
  for (const p of today) {
    total += p.amount;
    list.append(
      el(
        "li",
        {},
        el("span", { class: "when" }, formatTime(p.timeMs, ledger.timeZone)),
        el("span", { class: "who" }, await nameOf(p.payer)),
        el("span", { class: "amount in" }, "+" + money(p.amount, ledger.decimals, ledger.code)),
      ),
    );
  }
  const summary = today.length === 0 ? t("till.today.none") : t("till.today.total", { n: today.length, amount: money(total, ledger.decimals, ledger.code) });
  clear($("today"), el("p", { id: "today-total", class: "total" }, summary), today.length ? list : null);
  $("today").dataset.total = total.toString();
  $("today").title = formatDateTime(Date.now(), ledger.timeZone);
}

// Watch the shop's account from the entry after the last one seen, for ever: a read request
// lasts 4 minutes, then the node ends the stream (DEADLINE_EXCEEDED, liard-resume-from) and a
// fresh one continues; a broken connection (a node restart) is retried with a backoff.
async function watch(): Promise<void> {
  let backoffMs = 250;
  const net = $("net");
  for (;;) {
    const from = lastSeq + 1n;
    try {
      const auth = await readAuth(ledger, key!.account, key!.publicKey, key!.privateKey, {
        method: "Watch",
        target: key!.account,
        fromSequence: from,
        lifetimeMs: watchLifetimeMs(),
      });
      say(net, t("net.online"), "ok");
      for await (const r of node.watch({ account: key!.account, fromSequence: from, auth })) {
        backoffMs = 250;
        await count(r, true);
      }
    } catch (e) {
      const r = refusalOf(e);
      if (r.status === Code.DeadlineExceeded && r.resumeFrom !== null) {
        if (r.resumeFrom - 1n > lastSeq) lastSeq = r.resumeFrom - 1n;
        continue;
      }
      if (r.code !== 0 && r.status === Code.PermissionDenied) {
        say(net, refusalText(r, ledger), "error");
      } else {
        const seconds = (backoffMs / 1000).toFixed(1);
        say(net, t("net.lost", { s: lang() === "fr" ? seconds.replace(".", ",") : seconds }), "error");
      }
    }
    await new Promise((res) => setTimeout(res, backoffMs));
    backoffMs = Math.min(backoffMs * 2, 5000);
  }
}

void start();
