/** CIDR ranges for CDR_ALLOW and TRUSTED_PROXIES: IPv4, IPv6, IPv4 seen through an IPv6 socket, and malformed input. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { inAnyCidr, parseCidr, parseIp } from "../../src/core/cidr.ts";

const ranges = (...texts: string[]) => texts.map((t) => parseCidr(t)!);

test("IPv4 ranges match by prefix", () => {
  const r = ranges("10.0.0.0/8", "192.0.2.7");
  assert.ok(inAnyCidr("10.255.1.2", r));
  assert.ok(inAnyCidr("192.0.2.7", r));
  assert.ok(!inAnyCidr("192.0.2.8", r));
  assert.ok(!inAnyCidr("11.0.0.1", r));
  assert.ok(inAnyCidr("172.16.5.4", ranges("172.16.0.0/12")));
  assert.ok(!inAnyCidr("172.32.0.1", ranges("172.16.0.0/12")));
  assert.ok(inAnyCidr("8.8.8.8", ranges("0.0.0.0/0")));
});

test("an IPv4 client on an IPv6 socket (::ffff:a.b.c.d) is the IPv4 address", () => {
  assert.ok(inAnyCidr("::ffff:10.1.2.3", ranges("10.0.0.0/8")));
  assert.ok(inAnyCidr("10.1.2.3", ranges("::ffff:10.0.0.0/104")));
  assert.ok(!inAnyCidr("::ffff:10.1.2.3", ranges("::/0")), "an IPv4 address is not in an IPv6 range");
});

test("IPv6 ranges, compressed forms, zones and brackets", () => {
  const r = ranges("2001:db8::/32", "::1");
  assert.ok(inAnyCidr("2001:db8:ffff::1", r));
  assert.ok(inAnyCidr("2001:0DB8:0:0:0:0:0:5", r));
  assert.ok(inAnyCidr("[::1]", r));
  assert.ok(inAnyCidr("::1", r));
  assert.ok(!inAnyCidr("2001:db9::1", r));
  assert.ok(inAnyCidr("fe80::1%eth0", ranges("fe80::/10")));
  assert.deepEqual([...parseIp("::")!], new Array(16).fill(0));
});

test("malformed addresses and ranges are refused, not guessed", () => {
  for (const bad of ["10.0.0.256", "10.0.0", "010.0.0.1", "10.0.0.0/33", "2001:db8::/129", "1::2::3", "1:2:3:4:5:6:7:8:9", "host.example", "", "10.0.0.0/", "10.0.0.0/-1", "::ffff:10.0.0.0/95"]) {
    assert.equal(parseCidr(bad), undefined, bad);
  }
  assert.ok(!inAnyCidr(undefined, ranges("0.0.0.0/0")), "no address is in no range");
  assert.ok(!inAnyCidr("not an ip", ranges("0.0.0.0/0")));
});

test("a range given with host bits set still means the range", () => {
  assert.ok(inAnyCidr("10.200.0.1", ranges("10.1.2.3/8")));
});
