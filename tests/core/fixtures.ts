// Shared builders for the core tests: CDR fixture files, legs and policies with sensible defaults.
import { readFileSync } from "node:fs";
import { defaultRestrictedPattern, defaultTexts } from "../../src/core/banner.ts";
import type { LegFact, Policy } from "../../src/core/model.ts";

export function cdrFixture(name: string): string {
  return readFileSync(new URL(`../fixtures/cdr/${name}.xml`, import.meta.url), "utf8");
}

/** A connected SIP leg in call `c1`; override what the test is about. */
export function leg(overrides: Partial<LegFact> = {}): LegFact {
  return {
    id: "leg-1",
    nodeKey: "cb-a",
    callId: "c1",
    type: "sip",
    guest: false,
    recording: false,
    streaming: false,
    inIvr: false,
    deactivated: false,
    since: "2024-03-05T09:00:01Z",
    seenAt: 0,
    source: "cdr",
    ...overrides,
  };
}

export function policy(overrides: Partial<Policy> = {}): Policy {
  return {
    mode: "external",
    restrictedPattern: defaultRestrictedPattern,
    internalDomains: [],
    secureDomains: [],
    texts: defaultTexts,
    position: "bottom",
    duration: "permanent",
    ...overrides,
  };
}
