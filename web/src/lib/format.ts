// Dates in the currency's time zone, as the CLI writes them: "04/12/2026 15:30" in French,
// "2026-12-04 15:30" in English.

import { lang } from "./i18n";

function parts(ms: number, timeZone: string): Record<string, string> {
  const f = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
  const out: Record<string, string> = {};
  for (const p of f.formatToParts(new Date(ms))) out[p.type] = p.value;
  return out;
}

export function formatDateTime(ms: number, timeZone: string): string {
  const p = parts(ms, timeZone);
  return lang() === "fr"
    ? `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`
    : `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

export function formatTime(ms: number, timeZone: string): string {
  const p = parts(ms, timeZone);
  return `${p.hour}:${p.minute}`;
}

// The calendar day of `ms` in the zone, "2026-12-04": to tell today's payments.
export function dayOf(ms: number, timeZone: string): string {
  const p = parts(ms, timeZone);
  return `${p.year}-${p.month}-${p.day}`;
}
