// The phone's pages in a real browser (issue 20): headless Chromium (Debian's) drives the till
// and the pocket wallet served by the real liard-node, whose other side is the real liard CLI.
// Usage: node browser.test.mjs --node LIARD_NODE --cli LIARD --dist build/web/dist --out ARTEFACTS
// Screenshots at 375x667 of every step go to ARTEFACTS (build/test-artefacts/web/).
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import puppeteer from "puppeteer-core";
import { Cli, Node, b64url, encode, fields, removeDir, tempDir } from "./harness.mjs";

const args = process.argv.slice(2);
const arg = (n) => {
  const i = args.indexOf(n);
  if (i < 0) throw new Error(`usage: node browser.test.mjs --node BIN --cli BIN --dist DIR --out DIR (missing ${n})`);
  return resolve(args[i + 1]);
};
const nodeBin = arg("--node");
const cliBin = arg("--cli");
const dist = arg("--dist");
const out = arg("--out");
const chromium = process.env.LIARD_CHROMIUM || "/usr/bin/chromium";
mkdirSync(out, { recursive: true });

const NBSP = "\u00a0";
const passed = [];
const failed = [];
const csp = []; // every Content-Security-Policy complaint of every page

async function step(name, f) {
  const t0 = Date.now();
  try {
    await f();
    passed.push(name);
    console.log(`ok   ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    failed.push(name);
    console.log(`FAIL ${name}\n     ${String(e && e.stack ? e.stack : e).split("\n").join("\n     ")}`);
  }
}

const root = tempDir("liard-web-test-");
const node = new Node(nodeBin, join(root, "node"), dist);
const cli = new Cli(cliBin, join(root, "cli"), "demo passphrase for the browser test");
cli.node = node;
let browser;

function watchConsole(page, who) {
  page.on("console", (m) => {
    const text = m.text();
    if (/Content.Security.Policy/i.test(text)) csp.push(`${who}: ${text}`);
    if (m.type() === "error" && process.env.LIARD_WEB_TEST_VERBOSE) console.log(`     [${who}] ${text}`);
  });
  page.on("pageerror", (e) => csp.push(`${who}: page error: ${e.message}`));
}

async function newPage(who) {
  const ctx = await browser.createBrowserContext();
  const page = await ctx.newPage();
  await page.setViewport({ width: 375, height: 667, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
  watchConsole(page, who);
  return page;
}

// A screenshot of the phone's screen, scrolled to the top or to `selector`.
async function shot(page, name, selector = null) {
  await page.evaluate((sel) => {
    const e = sel ? document.querySelector(sel) : null;
    if (e) e.scrollIntoView({ block: "start" });
    else window.scrollTo(0, 0);
  }, selector);
  await page.screenshot({ path: join(out, name + ".png"), fullPage: false });
}

const text = (page, sel) => page.$eval(sel, (e) => e.textContent);
async function waitText(page, sel, re, timeout = 10_000) {
  await page.waitForFunction(
    (s, src, flags) => {
      const e = document.querySelector(s);
      return e !== null && new RegExp(src, flags).test(e.textContent ?? "");
    },
    { timeout, polling: 20 },
    sel,
    re.source,
    re.flags,
  );
  return text(page, sel);
}

let till, wallet, tillAddress, walletAddress, shopAddress, firstUrl, walletBackup;
const walletPass = "trois mots pour Zoé au marché";

try {
  browser = await puppeteer.launch({
    executablePath: chromium,
    headless: true,
    args: ["--no-sandbox", "--lang=fr-FR", "--accept-lang=fr-FR,fr", "--disable-gpu", "--no-first-run"],
    env: { ...process.env, LANG: "fr_FR.UTF-8", TZ: "UTC" },
  });
  node.init();
  await node.start();
  for (const k of ["shop", "office", "alice"])
    cli.run(["key", "import", k, "--fast", "--seed-file", join(node.data, "demo-keys", k + ".seed")]);
  shopAddress = cli.run(["key", "export", "shop", "--address"]).stdout.trim();
  cli.run(["--key", "shop", "card", "set", "--category", "Boulangerie", "--address", "12 rue de la République", "--postcode", "84000", "--city", "Avignon"]);

  await step("the home page offers the till and the wallet, in French, under the node's CSP", async () => {
    const page = await newPage("home");
    const res = await page.goto(node.origin + "/", { waitUntil: "networkidle0" });
    const policy = res.headers()["content-security-policy"] ?? "";
    assert.match(policy, /script-src 'self'/);
    assert.doesNotMatch(policy, /unsafe-inline|unsafe-eval/);
    await waitText(page, "#go-wallet", /Mon porte-monnaie/);
    await waitText(page, "#go-till", /Caisse du commerce/);
    await shot(page, "01-accueil");
    // English for a reader who asks for it; the choice is kept by the browser.
    await page.click("button.lang");
    await waitText(page, "#go-wallet", /My wallet/);
    assert.equal(await page.evaluate(() => document.documentElement.lang), "en");
    await shot(page, "01-home-english");
    await page.browserContext().close();
  });

  await step("the till makes its key in the browser, non-extractable, and shows it for the owner", async () => {
    till = await newPage("till");
    await till.goto(node.origin + "/till/", { waitUntil: "networkidle0" });
    await till.waitForSelector("#create-key");
    await shot(till, "02-caisse-sans-cle");
    await till.click("#create-key");
    tillAddress = (await waitText(till, "#till-address", /^roue1/)).trim();
    const extractable = await till.evaluate(
      () =>
        new Promise((ok, ko) => {
          const r = indexedDB.open("liard", 1);
          r.onsuccess = () => {
            const g = r.result.transaction("keys").objectStore("keys").get("till");
            g.onsuccess = () => ok(g.result.privateKey.extractable);
            g.onerror = () => ko(g.error);
          };
        }),
    );
    assert.equal(extractable, false);
    const command = await text(till, "pre.command");
    assert.match(command, new RegExp(`liard staff add --scope receive .*${tillAddress}`));
    await shot(till, "03-caisse-cle");
  });

  await step("the owner adds the till's key with the CLI, and the till is set to the shop's account", async () => {
    cli.run(["--key", "shop", "staff", "add", "--scope", "receive", "--label", "Caisse web", tillAddress, "--yes"]);
    await till.type("#shop", shopAddress);
    await till.click("#shop-form button[type=submit]");
    await waitText(till, "#shop-name", /Caisse de Boulangerie du Rhône/);
    await waitText(till, "#today-total", /Aucun paiement aujourd'hui/);
    await shot(till, "04-caisse-prete");
  });

  await step("the wallet makes its key in the browser and an encrypted backup that the CLI opens", async () => {
    wallet = await newPage("wallet");
    await wallet.goto(node.origin + "/wallet/", { waitUntil: "networkidle0" });
    await wallet.waitForSelector("#pass1");
    await shot(wallet, "05-porte-monnaie-creer");
    await wallet.type("#pass1", walletPass);
    await wallet.type("#pass2", walletPass);
    await wallet.click("#create");
    await waitText(wallet, "#not-open", /pas encore ouvert/, 30_000);
    walletAddress = (await text(wallet, "#address")).trim();
    walletBackup = await wallet.evaluate(() => localStorage.getItem("liard.wallet.backup"));
    const f = JSON.parse(walletBackup);
    assert.equal(f.kdf, "argon2id13");
    assert.equal(f.version, 1);
    // liard key import takes the backup as it is; the CLI then signs with it (a private read).
    const backupFile = join(root, "liard-porte-monnaie.key");
    writeFileSync(backupFile, walletBackup, { mode: 0o600 });
    const imported = cli.run(["key", "import", "phone", "--key-file", backupFile]).stdout;
    assert.match(imported, /key 'phone' imported/);
    assert.match(imported, new RegExp(walletAddress));
    const again = cli.run(["key", "import", "phone", "--key-file", backupFile], { ok: false });
    assert.equal(again.status, 2);
    assert.equal(cli.run(["key", "import", "phone2", "--key-file", backupFile, "--fast"], { ok: false }).status, 2);
    const damaged = join(root, "damaged.key");
    writeFileSync(damaged, walletBackup.replace(/"salt": "[0-9a-f]{4}/, '"salt": "zz'));
    const bad = cli.run(["key", "import", "phone2", "--key-file", damaged], { ok: false });
    assert.equal(bad.status, 5); // a damaged key file: "other local error"
    assert.match(bad.stderr, /is not valid: bad 'salt'/);
    const shown = cli.json(["key", "show", "phone"], { passphrase: walletPass });
    assert.equal(shown.address, walletAddress);
    await shot(wallet, "06-porte-monnaie-non-ouvert");
  });

  await step("the exchange office opens the account and converts euros; the wallet shows the CLI's balance", async () => {
    const year = new Date().getUTCFullYear();
    cli.run(["--key", "office", "account", "open", walletAddress, "--name", "Zoé Lambert", "--member-until", `${year + 1}-12-31`, "--fee", "10", "--yes"]);
    cli.run(["--key", "office", "convert", "--member", walletAddress, "--eur", "50", "--yes"]);
    await wallet.click("#refresh");
    const shown = await waitText(wallet, "#balance", /ROUE/);
    // The CLI opens the browser's backup file and reads the same balance (it signs the read).
    const b = cli.json(["--key", "phone", "balance"], { passphrase: walletPass });
    assert.equal(shown, `${b.balance.replace(".", ",")}${NBSP}ROUE`);
    await waitText(wallet, "#history", /change d'euros/);
    await shot(wallet, "07-porte-monnaie-solde");
  });

  let request;
  await step("the till turns 12,50 typed the French way into a signed request: a QR code of the wallet's URL", async () => {
    await till.type("#amount", "12,50");
    await till.type("#memo", "pain et café");
    await till.click("#request-button");
    await waitText(till, "#request-title", new RegExp(`À payer : 12,50${NBSP}ROUE`));
    firstUrl = await till.$eval("#pay-link", (a) => a.href);
    assert.ok(firstUrl.startsWith(node.origin + "/pay/#"), firstUrl);
    // The liard: URI's parameters, the memo percent-encoded as UTF-8 (docs/protocol.md).
    assert.match(firstUrl, /amount=12\.50&memo=pain%20et%20caf%C3%A9&ledger=[0-9a-f]{16}&r=[A-Za-z0-9_-]+$/);
    const qr = await till.$eval("#request img.qr", (i) => i.naturalWidth);
    assert.ok(qr >= 300);
    await waitText(till, "#paid", /En attente du paiement/);
    await shot(till, "08-caisse-demande-12-50");
    request = firstUrl;
  });

  let second;
  await step("the wallet opens the till's URL: the shop's card and 12,50, then pays; the till says Payé within 1 s", async () => {
    await wallet.goto(request, { waitUntil: "networkidle0" });
    await waitText(wallet, "#payee-name", /Boulangerie du Rhône/);
    assert.equal(await text(wallet, "#amount"), `12,50${NBSP}ROUE`);
    assert.match(await text(wallet, "#payee .kind"), /commerçant · Boulangerie/);
    assert.equal(await text(wallet, "#payee .memo"), "Libellé : « pain et café »");
    assert.equal(await text(wallet, "#payee-where"), "12 rue de la République, 84000 Avignon");
    // A second phone has the same request open, to pay it after the first.
    second = await newPage("wallet-2");
    await second.goto(node.origin + "/wallet/", { waitUntil: "networkidle0" });
    await second.waitForSelector("#import-file");
    const input = await second.$("#import-file");
    await input.uploadFile(join(cli.keysDir(), "phone.key"));
    await second.type("#import-pass", walletPass);
    await second.click("#import");
    await waitText(second, "#balance", /ROUE/, 30_000);
    await second.goto(request, { waitUntil: "networkidle0" });
    await second.waitForSelector("#confirm");
    await shot(wallet, "09-porte-monnaie-confirmer");
    await wallet.click("#confirm");
    await waitText(wallet, "#receipt", /Paiement effectué ✓ 12,50.ROUE à Boulangerie du Rhône/);
    const paid = await waitText(till, "#paid", /Payé ✓/, 5_000);
    assert.equal(paid, `Payé ✓ 12,50${NBSP}ROUE — Zoé Lambert`);
    const seenAt = Number(await till.$eval("#paid", (e) => e.dataset.at));
    const committedAt = Number(await wallet.$eval("#receipt", (e) => e.dataset.timeMs));
    const latency = seenAt - committedAt;
    console.log(`     the till showed "Payé" ${latency} ms after the commit's time`);
    assert.ok(latency < 1000, `latency ${latency} ms`);
    await waitText(till, "#today-total", /1 paiement\(s\), total 12,50.ROUE/);
    await shot(wallet, "10-porte-monnaie-recu");
    await shot(till, "11-caisse-paye");
  });

  await step("the node's history and balances, read by the CLI, agree with both pages", async () => {
    const h = cli.json(["--key", "shop", "history", "--limit", "5"]);
    const entries = h.entries ?? h;
    const line = entries.find((e) => (e.amount ?? "").includes("12.50"));
    assert.ok(line, JSON.stringify(entries).slice(0, 800));
    assert.equal(line.memo, "pain et café");
    const phone = cli.json(["--key", "phone", "balance"], { passphrase: walletPass });
    await wallet.goto(node.origin + "/wallet/", { waitUntil: "networkidle0" });
    const shown = await waitText(wallet, "#balance", /ROUE/);
    assert.equal(shown, `${phone.balance.replace(".", ",")}${NBSP}ROUE`);
    await waitText(wallet, "#history", /à Boulangerie du Rhône/);
    const shop = cli.json(["--key", "shop", "balance"]);
    assert.equal(shop.balance, "12.50");
  });

  await step("paying the same request again is refused by the ledger and said in French", async () => {
    await second.click("#confirm");
    await waitText(second, "#pay-status", /Cette demande a déjà été payée/);
    await shot(second, "12-deja-payee-refus");
    await wallet.goto(request, { waitUntil: "networkidle0" });
    await waitText(wallet, "#pay-status", /Cette demande a déjà été payée/);
    await shot(wallet, "13-deja-payee");
  });

  await step("a tampered amount is refused: in the link's parameters, and inside the signed bytes", async () => {
    await wallet.goto("about:blank");
    await wallet.goto(request.replace("amount=12.50", "amount=1.25"), { waitUntil: "networkidle0" });
    await waitText(wallet, "#pay-status", /ne sont pas ceux que le commerçant a signés/);
    await shot(wallet, "14-montant-modifie-lien");
    const r = request.slice(request.indexOf("&r=") + 3);
    const signed = fields(b64url.decode(r));
    const body = fields(signed.find((f) => f.no === 1).value);
    body.find((f) => f.no === 3).value = 125n; // 1,25 instead of 12,50
    signed.find((f) => f.no === 1).value = encode(body);
    const forged = request.slice(0, request.indexOf("#") + 1) + "r=" + b64url.encode(encode(signed));
    await wallet.goto("about:blank");
    await wallet.goto(forged, { waitUntil: "networkidle0" });
    await waitText(wallet, "#pay-status", /modifiée après sa signature/);
    assert.equal(await wallet.$("#confirm"), null);
    await shot(wallet, "15-montant-modifie-signature");
  });

  await step("an expired request is refused with its expiry", async () => {
    await till.goto(node.origin + "/till/?expires=1", { waitUntil: "domcontentloaded" }); // its Watch never idles
    await waitText(till, "#today-total", /1 paiement\(s\)/);
    await till.type("#amount", "3");
    await till.click("#request-button");
    await waitText(till, "#request-title", /3,00/);
    const url = await till.$eval("#pay-link", (a) => a.href);
    await new Promise((r) => setTimeout(r, 1600));
    await waitText(till, "#paid", /Demande expirée/);
    await wallet.goto("about:blank");
    await wallet.goto(url, { waitUntil: "networkidle0" });
    await waitText(wallet, "#pay-status", /Cette demande a expiré le [0-9]{2}\/[0-9]{2}\/[0-9]{4} [0-9]{2}:[0-9]{2}/);
    await shot(wallet, "16-demande-expiree");
  });

  await step("a request of another ledger is refused as such", async () => {
    const other = new Node(nodeBin, join(root, "other"), null);
    other.init();
    await other.start();
    try {
      cli.run(["key", "import", "othershop", "--fast", "--seed-file", join(other.data, "demo-keys", "shop.seed")], { node: other });
      const made = JSON.parse(cli.run(["--key", "othershop", "request", "new", "--amount", "4,20", "--json"], { node: other }).stdout);
      const r = made.uri.slice(made.uri.indexOf("&r=") + 3);
      await wallet.goto("about:blank");
      await wallet.goto(node.origin + "/pay/#r=" + r, { waitUntil: "networkidle0" });
      await waitText(wallet, "#pay-status", /autre monnaie \(un autre registre\)/);
      await shot(wallet, "17-autre-registre");
    } finally {
      await other.stop();
    }
  });

  await step("a page of another origin cannot call the node's API, nor can a forged Origin header", async () => {
    const server = createServer((req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<!doctype html><title>evil</title><p>evil");
    });
    await new Promise((r) => server.listen(0, "127.0.0.1", r));
    try {
      const evil = await newPage("evil");
      await evil.goto(`http://127.0.0.1:${server.address().port}/`);
      const result = await evil.evaluate(async (api) => {
        try {
          const r = await fetch(api + "/liard.v1.LedgerService/GetHead", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
          return "status " + r.status;
        } catch (e) {
          return "refused: " + e.message;
        }
      }, node.origin);
      assert.match(result, /^refused|status 403/);
      await evil.browserContext().close();
      const forged = await fetch(node.origin + "/liard.v1.LedgerService/GetHead", {
        method: "POST",
        headers: { "content-type": "application/json", origin: "http://evil.example" },
        body: "{}",
      });
      assert.equal(forged.status, 403);
      const own = await fetch(node.origin + "/liard.v1.LedgerService/GetHead", {
        method: "POST",
        headers: { "content-type": "application/json", origin: node.origin },
        body: "{}",
      });
      assert.equal(own.status, 200);
    } finally {
      server.close();
    }
  });

  await step("the till survives a node restart: it resumes from the last entry, nothing missed, nothing twice", async () => {
    await till.goto(node.origin + "/till/", { waitUntil: "domcontentloaded" });
    await waitText(till, "#today-total", /1 paiement\(s\), total 12,50.ROUE/);
    await node.stop();
    await waitText(till, "#net", /Connexion perdue/, 15_000);
    await node.start();
    // Paid at once, while the till is still waiting to reconnect: it must come from the replay.
    cli.run(["--key", "alice", "pay", shopAddress, "2,10", "--memo", "baguette", "--yes"]);
    await waitText(till, "#paid", /Reçu 2,10.ROUE — Alice Martin/, 15_000);
    await waitText(till, "#today-total", /2 paiement\(s\), total 14,60.ROUE/);
    await till.type("#amount", "1,40");
    await till.click("#request-button");
    const url = await till.$eval("#pay-link", (a) => a.href);
    await wallet.goto("about:blank");
    await wallet.goto(url, { waitUntil: "networkidle0" });
    await wallet.click("#confirm");
    await waitText(till, "#paid", /Payé ✓ 1,40.ROUE — Zoé Lambert/, 5_000);
    await waitText(till, "#today-total", /3 paiement\(s\), total 16,00.ROUE/);
    const shop = cli.json(["--key", "shop", "balance"]);
    assert.equal(shop.balance, "16.00");
    await shot(till, "18-caisse-apres-redemarrage");
  });

  await step("the till's watch renews its read request when the node ends it, silently, missing nothing", async () => {
    await till.goto(node.origin + "/till/?watch=1", { waitUntil: "domcontentloaded" });
    await waitText(till, "#today-total", /3 paiement\(s\)/);
    // Three renewals (each stream ends DEADLINE_EXCEEDED with liard-resume-from), then a payment.
    await new Promise((r) => setTimeout(r, 3500));
    assert.match(await text(till, "#net"), /Connecté au registre/);
    cli.run(["--key", "alice", "pay", shopAddress, "0,50", "--yes"]);
    await waitText(till, "#paid", /Reçu 0,50.ROUE — Alice Martin/, 5_000);
    await waitText(till, "#today-total", /4 paiement\(s\), total 16,50.ROUE/);
  });

  await step("the till's request is the CLI's: liard pay takes it as a liard: URI, and the till says Payé", async () => {
    await waitText(till, "#today-total", /paiement/);
    await till.type("#amount", "0,90");
    await till.click("#request-button");
    const url = await till.$eval("#pay-link", (a) => a.href);
    const uri = `liard:${shopAddress}?` + url.slice(url.indexOf("#") + 1);
    cli.run(["--key", "alice", "pay", uri, "--yes"]);
    await waitText(till, "#paid", /Payé ✓ 0,90.ROUE — Alice Martin/, 5_000);
  });

  await step("the till cancels a request shown by mistake: the phone that opens it is told so, nothing is paid", async () => {
    const before = cli.json(["--key", "phone", "balance"], { passphrase: walletPass }).balance;
    await till.type("#amount", "4");
    await till.click("#request-button");
    await waitText(till, "#request-title", /4,00.ROUE/);
    const url = await till.$eval("#pay-link", (a) => a.href);
    await till.click("#cancel-request");
    await waitText(till, "#paid", /Demande de 4,00.ROUE annulée : elle ne peut plus être payée\./);
    assert.equal(await till.$eval("#request", (e) => e.hidden), true);
    await shot(till, "18b-demande-annulee");
    await wallet.goto("about:blank");
    await wallet.goto(url, { waitUntil: "networkidle0" });
    await waitText(wallet, "#pay-status", /Le commerçant a annulé cette demande\. Rien n'a été payé\./);
    assert.equal(await wallet.$("#confirm"), null);
    assert.equal(cli.json(["--key", "phone", "balance"], { passphrase: walletPass }).balance, before);
  });

  await step("a payment above the balance is refused with the balance and the amount, in French", async () => {
    await till.type("#amount", "1 000");
    await till.click("#request-button");
    await waitText(till, "#request-title", /1\u202f000,00.ROUE/);
    const url = await till.$eval("#pay-link", (a) => a.href);
    await wallet.goto("about:blank");
    await wallet.goto(url, { waitUntil: "networkidle0" });
    const phone = cli.json(["--key", "phone", "balance"], { passphrase: walletPass });
    await wallet.click("#confirm");
    const said = await waitText(wallet, "#pay-status", /Solde insuffisant/);
    assert.equal(said, `Solde insuffisant : ${phone.balance.replace(".", ",")}${NBSP}ROUE disponibles, 1\u202f000,00${NBSP}ROUE demandés.`);
    await shot(wallet, "19-solde-insuffisant");
  });

  await step("without the node, the wallet still opens (service worker) and shows the last balance it saw", async () => {
    await wallet.goto(node.origin + "/wallet/", { waitUntil: "networkidle0" });
    const online = await waitText(wallet, "#balance", /ROUE/);
    await wallet.waitForFunction(() => navigator.serviceWorker.controller !== null, { timeout: 10_000 });
    await node.stop();
    try {
      await wallet.click("#refresh");
      await waitText(wallet, "#balance-at", /Hors ligne : dernier solde connu, au [0-9]{2}\/[0-9]{2}\/[0-9]{4}/);
      assert.equal(await text(wallet, "#balance"), online);
      // The page itself, reloaded while the node is down, comes from the service worker's cache.
      await wallet.reload({ waitUntil: "domcontentloaded" });
      await waitText(wallet, "#balance-at", /Hors ligne : dernier solde connu/);
      assert.equal(await text(wallet, "#balance"), online);
      await waitText(wallet, "#net", /Hors ligne/);
      await shot(wallet, "20-porte-monnaie-hors-ligne");
    } finally {
      await node.start();
    }
  });

  await step("a key file written by the CLI is imported by the wallet page", async () => {
    const page = await newPage("import");
    await page.goto(node.origin + "/wallet/", { waitUntil: "networkidle0" });
    await page.waitForSelector("#import-file");
    await (await page.$("#import-file")).uploadFile(join(cli.keysDir(), "alice.key"));
    await page.type("#import-pass", "wrong passphrase entirely");
    await page.click("#import");
    await waitText(page, "#import-status", /Mauvaise phrase secrète/, 30_000);
    await page.$eval("#import-pass", (e) => (e.value = ""));
    await page.type("#import-pass", cli.passphrase);
    await page.click("#import");
    await waitText(page, "#balance-title", /Alice Martin/, 30_000);
    const alice = cli.json(["--key", "alice", "balance"]);
    assert.equal(await text(page, "#balance"), `${alice.balance.replace(".", ",")}${NBSP}ROUE`);
    await shot(page, "21-import-cle-cli");
    await page.browserContext().close();
  });

  await step("every control of the till and the wallet has a name a screen reader says", async () => {
    for (const [page, who] of [[till, "till"], [wallet, "wallet"]]) {
      await page.goto(node.origin + (who === "till" ? "/till/" : "/wallet/"), { waitUntil: "domcontentloaded" });
      await page.waitForSelector(who === "till" ? "#today-total" : "#balance");
      const unnamed = await page.evaluate(() =>
        [...document.querySelectorAll("input, button, select, textarea, a, img")]
          .filter((e) => {
            const label = e.labels && e.labels.length ? e.labels[0].textContent : "";
            const name = (label || e.getAttribute("aria-label") || e.getAttribute("alt") || e.textContent || "").trim();
            return name === "";
          })
          .map((e) => e.outerHTML.slice(0, 80)),
      );
      assert.deepEqual(unnamed, [], who);
    }
  });

  await step("no page broke its Content-Security-Policy", async () => {
    assert.deepEqual(csp, []);
  });
} catch (e) {
  failed.push("setup");
  console.log("FAIL setup: " + (e && e.stack ? e.stack : e));
} finally {
  if (browser) await browser.close().catch(() => {});
  await node.stop().catch(() => {});
  if (failed.length && process.env.LIARD_WEB_TEST_VERBOSE) console.log(node.log.slice(-4000));
  if (!failed.length) removeDir(root);
  else console.log(`kept ${root} for inspection`);
}
console.log(`screenshots in ${out}`);
console.log(`${passed.length} passed, ${failed.length} failed`);
process.exit(failed.length ? 1 : 0);
