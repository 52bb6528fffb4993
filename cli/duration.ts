// Durations on the command line and in the config file: plain seconds as the
// seed's config had them, or kubectl's Go-style strings (90s, 15m, 1h30m),
// which is what users type for `kubectl wait --timeout`.

const UNIT_SECONDS: Record<string, number> = { h: 3600, m: 60, s: 1 };

/** Seconds in `value`, or undefined when it is not a duration. Whole seconds only. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  if (!/^(\d+[hms])+$/.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)([hms])/g)) total += Number(amount) * UNIT_SECONDS[unit!]!;
  return total;
}

/** Like parseDuration, but throws a message naming the flag or key and what is accepted. */
export function requireDuration(value: unknown, name: string): number {
  const seconds = parseDuration(value);
  if (seconds === undefined) {
    throw new Error(`invalid ${name} ${JSON.stringify(value)}: expected seconds or a duration like 90s, 15m, 1h30m`);
  }
  return seconds;
}
