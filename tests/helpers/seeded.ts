/** A small seeded generator, so that a failing random case names a seed that can be run again. */
export function random(seed: number): (below: number) => number {
  let s = seed >>> 0;
  return (below: number) => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s % below;
  };
}
