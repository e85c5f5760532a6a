// The pages' pure rules against docs/protocol.md's examples: amounts (section 10), addresses
// (section 9's pinned examples), base64url (the `r` of payment requests).
import { formatFrench, formatPlain, parseAmount } from "../src/lib/amount";
import { decodeAddress, encodeAddress, shortAddress } from "../src/lib/bech32m";
import { fromBase64Url, toBase64Url } from "../src/lib/bytes";
import { fill } from "../src/lib/i18n";

export const cases: [string, () => void][] = [];
const test = (name: string, f: () => void) => cases.push([name, f]);
function eq<T>(got: T, want: T, what: string): void {
  if (got !== want) throw new Error(`${what}: got ${String(got)}, want ${String(want)}`);
}

test("amounts typed the way ParseAmount reads them are accepted", () => {
  const ok: [string, bigint][] = [
    ["12,50", 1250n], ["12.50", 1250n], ["12", 1200n], ["0,01", 1n], ["007", 700n],
    ["1 200", 120000n], ["1 200,50", 120050n], ["1.200,50", 120050n], ["1,200.50", 120050n],
    ["\u00a012,50 ", 1250n], ["1\u202f200,5", 120050n],
  ];
  for (const [text, want] of ok) {
    const p = parseAmount(text, 2);
    if ("problem" in p) throw new Error(`${JSON.stringify(text)} refused: ${p.problem}`);
    eq(p.minor, want, JSON.stringify(text));
  }
});

test("amounts ParseAmount refuses are refused", () => {
  for (const text of ["", "  ", "-1", "+1", "1e3", "12.5.0", "1.200.000", "12.505", "1.200", "1,200", ".5", "12.", "12 50", "1 2000", "1.20,00", "1 200.000,50", "1\t2", "€12", "١٢", "92233720368547758.08"]) {
    const p = parseAmount(text, 2);
    if (!("problem" in p)) throw new Error(`${JSON.stringify(text)} accepted as ${p.minor}`);
  }
  if (!("problem" in parseAmount("1,5", 0))) throw new Error("a separator with no decimals was accepted");
});

test("amounts are written as FormatFrench writes them", () => {
  eq(formatFrench(1250n, 2, "ROUE"), "12,50\u00a0ROUE", "1250");
  eq(formatFrench(214001n, 2, "€"), "2\u202f140,01\u00a0€", "214001");
  eq(formatFrench(-5n, 2, ""), "-0,05", "-5");
  eq(formatPlain(1250n, 2), "12.50", "plain");
});

test("addresses match section 9's pinned examples, both ways", () => {
  const zero = new Uint8Array(32);
  const seq = Uint8Array.from({ length: 32 }, (_, i) => i);
  eq(encodeAddress(zero, "ROUE"), "roue1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqa0t22r", "zero");
  eq(encodeAddress(seq, "roue"), "roue1qqqqsyqcyq5rqwzqfpg9scrgwpugpzysnzs23v9ccrydpk8qarc0s5mqg26", "0..31");
  const d = decodeAddress("ROUE1QQQQSYQCYQ5RQWZQFPG9SCRGWPUGPZYSNZS23V9CCRYDPK8QARC0S5MQG26", "ROUE");
  if (!("id" in d)) throw new Error("upper case refused");
  eq(d.id.join(","), seq.join(","), "decoded id");
  eq(shortAddress("roue1qqqqsyqcyq5rqwzqfpg9scrgwpugpzysnzs23v9ccrydpk8qarc0s5mqg26"), "roue1qqqqs…qg26", "short");
});

test("a typo, another currency and mixed case are told apart", () => {
  const good = "roue1qqqqsyqcyq5rqwzqfpg9scrgwpugpzysnzs23v9ccrydpk8qarc0s5mqg26";
  const typo = decodeAddress(good.slice(0, 20) + (good[20] === "q" ? "p" : "q") + good.slice(21), "ROUE");
  eq("problem" in typo ? typo.problem : "", "typo", "typo");
  const other = decodeAddress(encodeAddress(new Uint8Array(32), "EUSKO"), "ROUE");
  eq("problem" in other ? other.problem : "", "other-currency", "other currency");
  const mixed = decodeAddress("Roue" + good.slice(4), "ROUE");
  eq("problem" in mixed ? mixed.problem : "", "mixed-case", "mixed");
  const bad = decodeAddress(good.slice(0, 30) + "b" + good.slice(31), "ROUE");
  eq("problem" in bad ? bad.problem : "", "bad-char", "b");
});

test("base64url is the URL-safe alphabet without padding, and strict", () => {
  const b = Uint8Array.from([0xfb, 0xff, 0xbf, 0x00, 0x01]);
  eq(toBase64Url(b), "-_-_AAE", "encode");
  eq(fromBase64Url("-_-_AAE")!.join(","), b.join(","), "decode");
  eq(fromBase64Url("-_-_AAE="), null, "padding refused");
  eq(fromBase64Url("+/+/AAE"), null, "standard alphabet refused");
  eq(fromBase64Url("AAF"), null, "stray bits refused");
  for (let n = 0; n < 40; n++) {
    const x = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 255);
    eq(fromBase64Url(toBase64Url(x))!.join(","), x.join(","), `round trip ${n}`);
  }
});

test("French elides de and que before a vowel, as the wallet does", () => {
  const cases: [string, Record<string, string>, string][] = [
    ["Caisse de {name}", { name: "Alice Martin" }, "Caisse d'Alice Martin"],
    ["Caisse de {name}", { name: "Épicerie du Marché" }, "Caisse d'Épicerie du Marché"],
    ["Caisse de {name}", { name: "Œuvres sociales" }, "Caisse d'Œuvres sociales"],
    ["Caisse de {name}", { name: "Boulangerie du Rhône" }, "Caisse de Boulangerie du Rhône"],
    ["Caisse de {name}", { name: "Hôtel de ville" }, "Caisse de Hôtel de ville"],
    ["de {amount}", { amount: "8,00\u00a0ROUE" }, "de 8,00\u00a0ROUE"],
    ["De {name} : merci", { name: "Yves" }, "D'Yves : merci"],
    ["ce que {name} a payé", { name: "Élodie" }, "ce qu'Élodie a payé"],
    ["l'aide de {name}", { name: "" }, "l'aide de "],
    ["Fonde {name}", { name: "Alice" }, "Fonde Alice"],  // "de" inside a word: untouched
    ["reçu de {name}", {}, "reçu de {name}"],
  ];
  for (const [pattern, args, want] of cases) eq(fill(pattern, args, true), want, pattern);
  eq(fill("Caisse de {name}", { name: "Alice" }, false), "Caisse de Alice", "English");
});
