/**
 * A leg's `since` is stored as seconds after its call's (call-codec.ts). CDR times are whole
 * seconds in UTC, `YYYY-MM-DDTHH:MM:SSZ` (DOMAIN §1), and a leg nearly always joins on its call's
 * UTC day: then the seconds are read and written with string arithmetic, without the Date object
 * and toISOString that cost 1–2 µs per leg on every read and write of a call document. Any other
 * pair of times takes the Date path, and both paths give exactly the same answers.
 */

const DAY_S = 86_400;

/** Seconds into the day of a canonical, valid time; undefined for anything else. */
function secondOfDay(time: string): number | undefined {
  if (time.length !== 20 || time.charCodeAt(10) !== 0x54 /* T */ || time.charCodeAt(19) !== 0x5a /* Z */) return undefined;
  if (time[4] !== "-" || time[7] !== "-" || time[13] !== ":" || time[16] !== ":") return undefined;
  const year = digits(time, 0, 4);
  const month = digits(time, 5, 2);
  const day = digits(time, 8, 2);
  const h = digits(time, 11, 2);
  const m = digits(time, 14, 2);
  const s = digits(time, 17, 2);
  // Date would roll 24:00 or 30 February over to another day: those are not canonical.
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || h > 23 || m > 59 || s > 59 || h < 0 || m < 0 || s < 0) {
    return undefined;
  }
  return h * 3600 + m * 60 + s;
}

/** `since` as seconds after `base`, when `base` plus those seconds gives back exactly `since`; otherwise undefined. */
export function secondsAfter(base: string, since: string): number | undefined {
  const a = secondOfDay(base);
  const b = a === undefined ? undefined : secondOfDay(since);
  if (b !== undefined && base.startsWith(since.slice(0, 11))) return b - a!;
  const seconds = (Date.parse(since) - Date.parse(base)) / 1000;
  return Number.isFinite(seconds) && timeAfter(base, seconds) === since ? seconds : undefined;
}

/** The time `seconds` after `base`, as toISOString writes it, without milliseconds when there are none. */
export function timeAfter(base: string, seconds: number): string {
  const start = Number.isInteger(seconds) ? secondOfDay(base) : undefined;
  const at = start === undefined ? -1 : start + seconds;
  if (at >= 0 && at < DAY_S) return `${base.slice(0, 11)}${two((at / 3600) | 0)}:${two(((at / 60) | 0) % 60)}:${two(at % 60)}Z`;
  const iso = new Date(Date.parse(base) + Math.round(seconds * 1000)).toISOString();
  return iso.endsWith(".000Z") ? `${iso.slice(0, 19)}Z` : iso;
}

/** The number written in `length` decimal digits at `from`; -1 when any is not a digit. */
function digits(text: string, from: number, length: number): number {
  let n = 0;
  for (let i = from; i < from + length; i++) {
    const d = text.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);
