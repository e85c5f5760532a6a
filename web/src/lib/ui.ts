// Small DOM helpers shared by the pages (no framework; no inline script or style: the CSP).

import QRCode from "qrcode";
import { lang, setLang, t } from "./i18n";
import { money } from "./i18n";
import { formatDateTime } from "./format";
import { Code, type LedgerInfo, type Refusal } from "./node";

type Child = Node | string | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) e.append(c);
  return e;
}

export function $(id: string): HTMLElement {
  const e = document.getElementById(id);
  if (!e) throw new Error("missing element #" + id);
  return e;
}

export function clear(e: HTMLElement, ...children: Child[]): void {
  e.replaceChildren();
  for (const c of children) if (c !== null && c !== undefined && c !== false) e.append(c);
}

// A QR code as an <img> of a data: URL (img-src allows data:), with the text as its alt.
export async function qrImage(text: string, alt: string, size = 320): Promise<HTMLImageElement> {
  const url = await QRCode.toDataURL(text, { errorCorrectionLevel: "M", margin: 4, width: size });
  const img = el("img", { src: url, alt, class: "qr", width: String(size), height: String(size) });
  return img;
}

// The header: the page's title and the language switch.
export function header(titleKey: string): void {
  document.documentElement.lang = lang();
  document.title = t(titleKey) + " · liard";
  const h = $("header");
  const button = el("button", { type: "button", class: "lang", lang: lang() === "fr" ? "en" : "fr" }, t("lang.switch"));
  button.addEventListener("click", () => {
    setLang(lang() === "fr" ? "en" : "fr");
    location.reload();
  });
  clear(h, el("a", { href: "/", class: "home" }, "liard"), el("h1", {}, t(titleKey)), button);
}

// Say the refusal in the reader's words from its code and figures (docs/protocol.md section 11),
// never from the node's English sentence.
export function refusalText(r: Refusal, ledger: LedgerInfo | null): string {
  if (r.code === 0) {
    if (r.status === Code.Unavailable) return t("code.unavailable");
    return t("code.network", { why: r.message || Code[r.status] });
  }
  const args: Record<string, string> = { code: String(r.code), name: r.codeName };
  for (const [name, v] of r.figures) {
    if (name.endsWith("_units") && ledger) args[name] = money(v, ledger.decimals, ledger.code);
    else if (name.endsWith("_cents")) args[name] = money(v, 2, "€");
    else if (name.endsWith("_ms") && ledger) args[name] = formatDateTime(Number(v), ledger.timeZone);
    else args[name] = v.toString();
  }
  const key = "code." + r.code;
  const text = t(key, args);
  if (text !== key && !/\{[a-z_0-9]+\}/.test(text)) return text;
  const short = t(key + ".short", args);
  if (short !== key + ".short") return short;
  return t("code.other", args);
}

// A status line read out by screen readers when it changes.
export function say(e: HTMLElement, text: string, kind: "info" | "ok" | "error" = "info"): void {
  e.textContent = text;
  e.classList.remove("info", "ok", "error");
  e.classList.add("status", kind);
}

// The service worker that keeps the pages for offline use (/sw.js, built by build.mjs). A browser
// without one, or that refuses it, simply has no offline pages.
export function keepOffline(): void {
  if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
}
