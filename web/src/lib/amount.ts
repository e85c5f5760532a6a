// Amounts typed and shown the French way, exact to the minor unit (docs/protocol.md section 10:
// the rules of ParseAmount and FormatFrench in ledger/amount.cc). Never floating point: bigint.

const kBlanks = /^[ \t\u00a0\u202f\u2009]+|[ \t\u00a0\u202f\u2009]+$/g;
const kGroupSpaces = [" ", "\u00a0", "\u202f", "\u2009"];
const kInt64Max = 9223372036854775807n;

export type ParsedAmount = { minor: bigint } | { problem: "empty" | "invalid" | "too-many-decimals" | "too-large" };

export function parseAmount(text: string, decimals: number): ParsedAmount {
  const s = text.replace(kBlanks, "");
  if (s === "") return { problem: "empty" };
  if (!/^[0-9 .,\u00a0\u202f\u2009]+$/.test(s)) return { problem: "invalid" };
  const dots = s.split(".").length - 1;
  const commas = s.split(",").length - 1;
  let intPart = s;
  let frac = "";
  let group: string | null = null;
  if (dots > 0 && commas > 0) {
    const last = Math.max(s.lastIndexOf("."), s.lastIndexOf(","));
    const decSep = s[last];
    if ((decSep === "." ? dots : commas) !== 1) return { problem: "invalid" };
    group = decSep === "." ? "," : ".";
    intPart = s.slice(0, last);
    frac = s.slice(last + 1);
    if (kGroupSpaces.some((g) => intPart.includes(g))) return { problem: "invalid" };
  } else if (dots + commas === 1) {
    const at = dots ? s.indexOf(".") : s.indexOf(",");
    intPart = s.slice(0, at);
    frac = s.slice(at + 1);
  } else if (dots + commas > 1) {
    return { problem: "invalid" };
  }
  if (dots + commas > 0 && decimals === 0) return { problem: "invalid" };
  if (dots + commas > 0 && (frac === "" || !/^[0-9]+$/.test(frac))) return { problem: "invalid" };
  if (frac.length > decimals) return { problem: "too-many-decimals" };
  const space = kGroupSpaces.find((g) => intPart.includes(g));
  if (space !== undefined) {
    if (group !== null) return { problem: "invalid" };
    group = space;
  }
  let digits = intPart;
  if (group !== null && intPart.includes(group)) {
    const groups = intPart.split(group);
    if (!/^[0-9]{1,3}$/.test(groups[0])) return { problem: "invalid" };
    for (const g of groups.slice(1)) if (!/^[0-9]{3}$/.test(g)) return { problem: "invalid" };
    digits = groups.join("");
  }
  if (!/^[0-9]+$/.test(digits)) return { problem: "invalid" };
  const minor = BigInt(digits) * 10n ** BigInt(decimals) + BigInt((frac + "0".repeat(decimals)).slice(0, decimals) || "0");
  if (minor > kInt64Max) return { problem: "too-large" };
  return { minor };
}

// "12,50 ROUE": grouped by U+202F, decimal comma, unit after U+00A0 (FormatFrench).
export function formatFrench(minor: bigint, decimals: number, unit: string): string {
  return group(minor, decimals, ",", "\u202f") + (unit ? "\u00a0" + unit : "");
}

// "12.50 ROUE" (FormatAmount): no grouping, a point.
export function formatEnglish(minor: bigint, decimals: number, unit: string): string {
  return group(minor, decimals, ".", "") + (unit ? " " + unit : "");
}

// The plain form of a liard: URI's amount parameter: "12.50".
export function formatPlain(minor: bigint, decimals: number): string {
  return group(minor, decimals, ".", "");
}

function group(minor: bigint, decimals: number, sep: string, groupSep: string): string {
  const neg = minor < 0n;
  let digits = (neg ? -minor : minor).toString();
  if (digits.length <= decimals) digits = "0".repeat(decimals + 1 - digits.length) + digits;
  const intDigits = digits.length - decimals;
  let out = neg ? "-" : "";
  for (let i = 0; i < intDigits; i++) {
    if (i > 0 && (intDigits - i) % 3 === 0) out += groupSep;
    out += digits[i];
  }
  if (decimals > 0) out += sep + digits.slice(intDigits);
  return out;
}
