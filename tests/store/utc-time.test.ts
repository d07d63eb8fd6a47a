// The string arithmetic of src/store/utc-time.ts must answer exactly as the Date path it replaced,
// for every pair of times: the stored form of a leg's since depends on it.
import { strict as assert } from "node:assert";
import { test } from "node:test";
import { secondsAfter, timeAfter } from "../../src/store/utc-time.ts";
import { random } from "../helpers/seeded.ts";

/** The code before the fast path, kept here as the reference. */
function dateTimeAfter(base: string, seconds: number): string {
  const iso = new Date(Date.parse(base) + Math.round(seconds * 1000)).toISOString();
  return iso.endsWith(".000Z") ? `${iso.slice(0, 19)}Z` : iso;
}
function dateSecondsAfter(base: string, since: string): number | undefined {
  const seconds = (Date.parse(since) - Date.parse(base)) / 1000;
  return Number.isFinite(seconds) && dateTimeAfter(base, seconds) === since ? seconds : undefined;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** Mostly valid times near each other, with the edges Date rolls over: 24:00, 30 February, leap days, new year. */
function someTime(pick: (below: number) => number): string {
  const year = [2024, 2025, 2026, 2100, 2000, 1999][pick(6)]!;
  const month = 1 + pick(12);
  const day = 1 + pick(31);
  const h = pick(25);
  const m = pick(61);
  const s = pick(61);
  const time = `${year}-${pad(month)}-${pad(day)}T${pad(h)}:${pad(m)}:${pad(s)}Z`;
  switch (pick(12)) {
    case 0:
      return time.replace("Z", ".500Z");
    case 1:
      return time.replace("T", " ");
    case 2:
      return time.slice(0, 10);
    case 3:
      return `${year}-${pad(month)}-${pad(day)}T23:59:59Z`;
    default:
      return time;
  }
}

test("secondsAfter answers as the Date path for 200,000 pairs of times, same day or not, valid or not", () => {
  let fast = 0;
  for (let seed = 1; seed <= 200_000; seed++) {
    const pick = random(seed);
    const base = someTime(pick);
    // Half the time, a later (or earlier) moment of the same day.
    const since = pick(2) ? `${base.slice(0, 11)}${pad(pick(25))}:${pad(pick(60))}:${pad(pick(60))}Z` : someTime(pick);
    const expected = dateSecondsAfter(base, since);
    assert.equal(secondsAfter(base, since), expected, `seed ${seed}: ${base} → ${since}`);
    if (expected !== undefined && base.slice(0, 11) === since.slice(0, 11)) fast++;
  }
  assert.ok(fast > 50_000, `${fast} same-day pairs`);
});

test("timeAfter answers as the Date path, on the day and across it, for whole and part seconds", () => {
  for (let seed = 1; seed <= 200_000; seed++) {
    const pick = random(seed);
    const base = someTime(pick);
    if (!Number.isFinite(Date.parse(base))) continue;
    const seconds = pick(4) === 0 ? pick(200_000) - 100_000 : pick(4) === 0 ? pick(1000) / 8 : pick(7200) - 600;
    assert.equal(timeAfter(base, seconds), dateTimeAfter(base, seconds), `seed ${seed}: ${base} + ${seconds}`);
  }
});

test("the round trip of the codec: a leg's since comes back as written", () => {
  const base = "2026-11-26T23:59:30Z";
  for (const since of ["2026-11-26T23:59:59Z", "2026-11-27T00:00:05Z", "2026-11-26T00:00:00Z", "2026-11-26T23:59:30.250Z"]) {
    const seconds = secondsAfter(base, since);
    assert.notEqual(seconds, undefined, since);
    assert.equal(timeAfter(base, seconds!), since);
  }
  assert.equal(secondsAfter(base, "2026-11-26 23:59:59Z"), undefined, "another format stays as written");
});
