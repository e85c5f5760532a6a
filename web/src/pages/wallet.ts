// The pocket wallet: a resident's key made in this browser (non-extractable, in IndexedDB), its
// address for the exchange office, balance and history, and paying a till's request link
// (/pay#r=...): the payee's card and the amount shown, confirmed, signed here, submitted.

import { create, fromBinary } from "@bufbuild/protobuf";
import { OperationBodySchema, TransferSchema } from "@gen/liard/v1/ledger_pb";
import type { AccountCard, AccountInfo, Receipt } from "@gen/liard/v1/node_pb";
import { RequestInfo_State } from "@gen/liard/v1/node_pb";
import { parseAmount } from "../lib/amount";
import { openSeed, sealSeed } from "../lib/backup";
import { encodeAddress, shortAddress } from "../lib/bech32m";
import { equalBytes, fromUtf8, toHex } from "../lib/bytes";
import { formatDateTime } from "../lib/format";
import { money, t } from "../lib/i18n";
import { deleteKey, generateSeed, importSeed, loadKey, saveKey, type StoredKey } from "../lib/keys";
import { Code, connect, ledgerInfo, readAuth, refusalOf, type LedgerInfo } from "../lib/node";
import { signOperation, submitEnvelope } from "../lib/operation";
import { readLink, type ReadLink } from "../lib/request";
import { $, clear, el, header, keepOffline, qrImage, refusalText, say } from "../lib/ui";

const node = connect();
let ledger: LedgerInfo | null = null;
let key: StoredKey | null = null;
const names = new Map<string, string>();

// The last balance seen, kept for offline display (localStorage holds no secret: an amount).
interface Cached {
  balance: string;
  atMs: number;
  code: string;
  decimals: number;
  timeZone: string;
}
const kCache = "liard.wallet.last";

function cacheBalance(info: AccountInfo): void {
  if (!ledger) return;
  const c: Cached = { balance: info.balance.toString(), atMs: Date.now(), code: ledger.code, decimals: ledger.decimals, timeZone: ledger.timeZone };
  localStorage.setItem(kCache, JSON.stringify(c));
}

function cachedBalance(): Cached | null {
  try {
    const c = JSON.parse(localStorage.getItem(kCache) ?? "null");
    return c && typeof c.balance === "string" && /^-?[0-9]+$/.test(c.balance) ? (c as Cached) : null;
  } catch {
    return null;
  }
}

async function start(): Promise<void> {
  header("wallet.title");
  keepOffline();
  const net = $("net");
  say(net, t("net.connecting"));
  key = await loadKey("wallet");
  try {
    ledger = await ledgerInfo(node);
    say(net, t("net.online"), "ok");
  } catch (e) {
    const mismatch = e instanceof Error && e.message === "genesis-mismatch";
    say(net, mismatch ? t("ledger.genesis-mismatch") : t("net.offline"), "error");
    if (key && !mismatch) showOffline();
    return;
  }
  window.addEventListener("hashchange", () => void route());
  await route();
}

async function route(): Promise<void> {
  const hash = location.hash;
  if (hash.includes("r=") || location.pathname.startsWith("/pay")) {
    $("account").hidden = true;
    await showPay(hash);
    return;
  }
  $("pay").hidden = true;
  if (!key) showCreate();
  else await showAccount();
}

function showOffline(): void {
  const c = cachedBalance();
  const box = $("account");
  box.hidden = false;
  if (!c) return;
  clear(
    box,
    el("h2", {}, t("wallet.balance")),
    el("p", { class: "balance", id: "balance" }, money(BigInt(c.balance), c.decimals, c.code)),
    el("p", { class: "hint", id: "balance-at" }, t("wallet.balance.offline", { date: formatDateTime(c.atMs, c.timeZone) })),
  );
}

// --- A new key, or one restored from a backup ------------------------------------------------

function showCreate(): void {
  const box = $("account");
  box.hidden = false;
  const form = el("form", { id: "create-form" });
  const p1 = el("input", { id: "pass1", type: "password", autocomplete: "new-password", required: "", minlength: "12" });
  const p2 = el("input", { id: "pass2", type: "password", autocomplete: "new-password", required: "", minlength: "12" });
  const status = el("p", { id: "create-status", class: "status", role: "status", "aria-live": "polite" });
  form.append(
    el("label", { for: "pass1" }, t("wallet.pass.label")),
    p1,
    el("label", { for: "pass2" }, t("wallet.pass2.label")),
    p2,
    el("button", { type: "submit", id: "create" }, t("wallet.create")),
    status,
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if ([...p1.value].length < 12) return say(status, t("wallet.pass.short"), "error");
    if (p1.value !== p2.value) return say(status, t("wallet.pass.differ"), "error");
    say(status, t("wallet.creating"));
    // The one moment the seed exists: made extractable, sealed into the backup, imported again
    // non-extractable, wiped. From then on the page can sign, never read the key.
    const { seed, publicKey } = await generateSeed();
    const backup = await sealSeed(seed, publicKey, p1.value);
    const privateKey = await importSeed(seed);
    seed.fill(0);
    key = { name: "wallet", privateKey, publicKey, account: publicKey, createdMs: Date.now() };
    await saveKey(key);
    localStorage.setItem("liard.wallet.backup", backup);
    download(backup);
    await route();
  });

  const imp = el("form", { id: "import-form" });
  const file = el("input", { id: "import-file", type: "file", accept: ".key,application/json" });
  const pass = el("input", { id: "import-pass", type: "password", autocomplete: "current-password" });
  const istatus = el("p", { id: "import-status", class: "status", role: "status", "aria-live": "polite" });
  imp.append(
    el("label", { for: "import-file" }, t("wallet.import.file")),
    file,
    el("label", { for: "import-pass" }, t("wallet.import.pass")),
    pass,
    el("button", { type: "submit", id: "import" }, t("wallet.import")),
    istatus,
  );
  imp.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const f = file.files?.[0];
    if (!f || f.size > 4096) return say(istatus, t("wallet.import.bad-file", { why: "?" }), "error");
    say(istatus, t("wallet.creating"));
    const text = await f.text();
    const opened = await openSeed(text, pass.value);
    if ("problem" in opened) {
      const msg =
        opened.problem === "wrong-pass" ? t("wallet.import.wrong-pass") : opened.problem === "staff" ? t("wallet.import.staff") : t("wallet.import.bad-file", { why: opened.why });
      return say(istatus, msg, "error");
    }
    const privateKey = await importSeed(opened.seed);
    opened.seed.fill(0);
    key = { name: "wallet", privateKey, publicKey: opened.publicKey, account: opened.account, createdMs: Date.now() };
    await saveKey(key);
    localStorage.setItem("liard.wallet.backup", text);
    await route();
  });

  clear(
    box,
    el("h2", {}, t("wallet.create.title")),
    el("p", {}, t("wallet.create.hint")),
    form,
    el("h2", {}, t("wallet.import.title")),
    imp,
  );
}

function download(text: string): void {
  const a = backupLink(text);
  a.click();
}

function backupLink(text: string): HTMLAnchorElement {
  const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  return el("a", { href: url, download: "liard-porte-monnaie.key", id: "backup-link", class: "button secondary" }, t("wallet.backup"));
}

// --- The account ---------------------------------------------------------------------------

async function nameOf(id: Uint8Array): Promise<string> {
  const k = toHex(id);
  const known = names.get(k);
  if (known !== undefined) return known;
  try {
    const card = await node.lookupAccount({ id });
    names.set(k, card.name);
    return card.name;
  } catch {
    return shortAddress(encodeAddress(id, ledger!.code));
  }
}

async function getAccount(): Promise<AccountInfo> {
  const auth = await readAuth(ledger!, key!.account, key!.publicKey, key!.privateKey, { method: "GetAccount", target: key!.account });
  return node.getAccount({ id: key!.account, auth });
}

async function showAccount(): Promise<void> {
  const l = ledger!;
  const box = $("account");
  box.hidden = false;
  const address = encodeAddress(key!.account, l.code);
  const addressBox = el(
    "section",
    { "aria-labelledby": "address-title" },
    el("h2", { id: "address-title" }, t("wallet.address")),
    await qrImage(address, address, 240),
    el("p", { class: "address", id: "address" }, address),
    el("p", { class: "hint" }, t("wallet.address.hint")),
  );
  const backup = localStorage.getItem("liard.wallet.backup");
  const tools = el("section", { class: "tools" });
  if (backup) tools.append(backupLink(backup), el("p", { class: "hint" }, t("wallet.backup.hint")));
  const refresh = el("button", { type: "button", id: "refresh", class: "secondary" }, t("wallet.refresh"));
  refresh.addEventListener("click", () => void showAccount());
  const forget = el("button", { type: "button", id: "forget", class: "danger" }, t("wallet.forget"));
  forget.addEventListener("click", async () => {
    if (!confirm(t("wallet.forget.confirm"))) return;
    await deleteKey("wallet");
    localStorage.removeItem("liard.wallet.backup");
    localStorage.removeItem(kCache);
    key = null;
    await route();
  });
  tools.append(refresh, forget);

  let info: AccountInfo;
  try {
    info = await getAccount();
  } catch (e) {
    const r = refusalOf(e);
    // A read of an account that does not exist is refused (READ_REFUSED, the reader unknown):
    // the public card tells whether it is that, never the refusal's English words.
    if (r.status === Code.NotFound || (r.code === 228 && (await notOpen()))) {
      clear(box, el("p", { class: "status info", id: "not-open", role: "status" }, t("wallet.not-open")), addressBox, tools);
      return;
    }
    const c = cachedBalance();
    say($("net"), r.code === 0 ? t("net.offline") : refusalText(r, l), "error");
    clear(
      box,
      c ? el("p", { class: "balance", id: "balance" }, money(BigInt(c.balance), c.decimals, c.code)) : null,
      c ? el("p", { class: "hint", id: "balance-at" }, t("wallet.balance.offline", { date: formatDateTime(c.atMs, c.timeZone) })) : null,
      addressBox,
      tools,
    );
    return;
  }
  cacheBalance(info);
  const history = el("ul", { class: "history", id: "history" });
  try {
    const auth = await readAuth(l, key!.account, key!.publicKey, key!.privateKey, { method: "GetHistory", target: key!.account, limit: 30 });
    const h = await node.getHistory({ id: key!.account, limit: 30, auth });
    for (const r of h.entries) history.append(await historyLine(r));
  } catch (e) {
    history.append(el("li", { class: "status error" }, refusalText(refusalOf(e), l)));
  }
  if (history.childElementCount === 0) history.append(el("li", {}, t("wallet.history.none")));
  clear(
    box,
    el(
      "section",
      { "aria-labelledby": "balance-title" },
      el("h2", { id: "balance-title" }, t("wallet.balance") + " — " + info.name),
      el("p", { class: "balance", id: "balance" }, money(info.balance, l.decimals, l.code)),
      el("p", { class: "hint", id: "balance-at" }, t("wallet.balance.at", { date: formatDateTime(Date.now(), l.timeZone) })),
    ),
    el("section", { "aria-labelledby": "history-title" }, el("h2", { id: "history-title" }, t("wallet.history")), history),
    addressBox,
    tools,
  );
}

async function notOpen(): Promise<boolean> {
  try {
    await node.lookupAccount({ id: key!.account });
    return false;
  } catch (e) {
    return refusalOf(e).status === Code.NotFound;
  }
}

async function historyLine(r: Receipt): Promise<HTMLLIElement> {
  const l = ledger!;
  let mine = 0n;
  for (const p of r.postings) if (p.slot === 1 && equalBytes(p.owner, key!.account)) mine += p.amount;
  let what = t("wallet.history.other");
  if (r.operation) {
    const body = fromBinary(OperationBodySchema, r.operation.body);
    if (body.payload.case === "transfer") {
      const tr = body.payload.value;
      what = equalBytes(body.account, key!.account) ? t("wallet.history.to", { name: await nameOf(tr.to) }) : t("wallet.history.from", { name: await nameOf(body.account) });
      if (tr.memo.length) what += " « " + fromUtf8(tr.memo) + " »";
    } else if (body.payload.case === "openAccount") {
      what = t("wallet.history.opened");
    } else if (body.payload.case === "conversion") {
      what = t("wallet.history.conversion");
    } else if (body.payload.case === "refund") {
      what = t("wallet.history.from", { name: await nameOf(body.account) });
    }
  } else if (r.redacted) {
    what = t("wallet.history.from", { name: await nameOf(r.redacted.payer) });
  }
  return el(
    "li",
    {},
    el("span", { class: "when" }, formatDateTime(Number(r.timeMs), l.timeZone)),
    el("span", { class: "who" }, what),
    el("span", { class: "amount " + (mine >= 0n ? "in" : "out") }, mine === 0n ? "" : (mine > 0n ? "+" : "") + money(mine, l.decimals, l.code)),
  );
}

// --- Paying a request link -----------------------------------------------------------------

async function showPay(fragment: string): Promise<void> {
  const l = ledger!;
  const box = $("pay");
  box.hidden = false;
  const status = el("p", { id: "pay-status", class: "status", role: "status", "aria-live": "assertive" });
  clear(box, el("h2", {}, t("pay.title")), status);
  // A link that cannot be paid says why, and leads back to the wallet.
  const refuse = (text: string): void => {
    say(status, text, "error");
    if (!$("pay").querySelector("#back")) box.append(el("a", { href: "/wallet/", class: "button secondary", id: "back" }, t("wallet.title")));
  };
  const link = await readLink(fragment, l);
  if ("problem" in link) return refuse(t("link." + link.problem));
  const body = link.body;

  let card: AccountCard;
  try {
    card = await node.lookupAccount({ id: body.payee });
  } catch (e) {
    return refuse(refusalText(refusalOf(e), l));
  }
  names.set(toHex(card.id), card.name);
  if (!card.requestKeys.some((k) => equalBytes(k, link.signed.publicKey))) return refuse(t("link.signer", { name: card.name }));
  try {
    const info = await node.getRequest({ requestId: link.id, payee: body.payee });
    if (info.state === RequestInfo_State.PAID) return refuse(t("link.paid"));
    if (info.state === RequestInfo_State.CANCELLED) return refuse(t("link.cancelled"));
  } catch (e) {
    return refuse(refusalText(refusalOf(e), l));
  }
  if (body.expiresMs !== 0n && Number(body.expiresMs) < Date.now())
    return refuse(t("link.expired", { date: formatDateTime(Number(body.expiresMs), l.timeZone) }));
  if (card.status !== 1) return refuse(t("status." + card.status));

  const shop = card.card;
  const where = shop ? [fromUtf8(shop.address), [fromUtf8(shop.postcode), fromUtf8(shop.city)].filter(Boolean).join(" ")].filter(Boolean).join(", ") : "";
  const amountInput = el("input", { id: "pay-amount", type: "text", inputmode: "decimal", autocomplete: "off" });
  const payee = el(
    "section",
    { class: "card", id: "payee", "aria-labelledby": "payee-name" },
    el("p", { class: "to" }, t("pay.you-pay")),
    body.amount > 0n ? el("p", { class: "pay-amount", id: "amount" }, money(body.amount, l.decimals, l.code)) : null,
    el("p", { class: "to" }, t("pay.to-whom")),
    el("h3", { id: "payee-name" }, card.name),
    el("p", { class: "kind" }, [t("kind." + card.kind), shop && shop.category.length ? fromUtf8(shop.category) : ""].filter(Boolean).join(" · ")),
    where ? el("p", { class: "where", id: "payee-where" }, where) : null,
    el("p", { class: "address small" }, shortAddress(card.address)),
    body.memo.length ? el("p", { class: "memo" }, t("pay.memo", { memo: fromUtf8(body.memo) })) : null,
    body.expiresMs !== 0n ? el("p", { class: "hint" }, t("pay.expires", { date: formatDateTime(Number(body.expiresMs), l.timeZone) })) : null,
  );
  const confirmButton = el("button", { type: "button", id: "confirm" }, t("pay.confirm"));
  const cancel = el("a", { href: "/wallet/", class: "button secondary", id: "cancel" }, t("pay.cancel"));
  const open = body.amount === 0n ? el("div", {}, el("label", { for: "pay-amount" }, t("pay.open-amount", { code: l.code })), amountInput) : null;
  // The outcome goes above the card, where a phone's screen shows it without scrolling.
  clear(box, el("h2", {}, t("pay.title")), status, payee, open, confirmButton, cancel);
  if (!key) {
    confirmButton.disabled = true;
    say(status, t("pay.need-key"), "error");
    const create = el("a", { href: "/wallet/", class: "button" }, t("wallet.create.title"));
    box.append(create);
    return;
  }
  confirmButton.addEventListener("click", async () => {
    let amount = body.amount;
    if (amount === 0n) {
      const p = parseAmount(amountInput.value, l.decimals);
      if ("problem" in p || p.minor <= 0n) return say(status, t("till.amount.invalid", { text: amountInput.value }), "error");
      amount = p.minor;
    }
    confirmButton.disabled = true;
    say(status, t("pay.signing"));
    await pay(link, card, amount, status, confirmButton);
  });
}

async function pay(link: ReadLink, card: AccountCard, amount: bigint, status: HTMLElement, button: HTMLButtonElement): Promise<void> {
  const l = ledger!;
  let envelope;
  try {
    const info = await getAccount();
    envelope = await signOperation(l, key!, info.sequence + 1n, {
      case: "transfer",
      value: create(TransferSchema, { to: link.body.payee, amount, memo: link.body.memo, request: link.signed }),
    });
  } catch (e) {
    button.disabled = false;
    return say(status, refusalText(refusalOf(e), l), "error");
  }
  try {
    const res = await submitEnvelope(node, envelope);
    const done = el(
      "div",
      { id: "receipt", class: "receipt", "data-time-ms": res.timeMs.toString() },
      el("p", { class: "status ok", role: "status" }, t("pay.done", { amount: money(amount, l.decimals, l.code), name: card.name })),
      el("p", { class: "hint" }, t("pay.receipt", { op: toHex(res.operationId).slice(0, 16), seq: res.sequence.toString(), date: formatDateTime(Number(res.timeMs), l.timeZone) })),
      el("a", { href: "/wallet/", class: "button", id: "back" }, t("wallet.title")),
    );
    button.remove();
    $("cancel")?.remove();
    clear(status);
    status.className = "";
    status.append(done);
  } catch (e) {
    say(status, refusalText(refusalOf(e), l), "error");
  }
}

void start();
