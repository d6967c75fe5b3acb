const numberFormat = new Intl.NumberFormat("en-US");
const dateTimeFormat = new Intl.DateTimeFormat("en-US", {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hour12: false,
});

export function formatCount(value: number): string {
  return numberFormat.format(value);
}

export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTimeFormat.format(date);
}

/** "3 min ago" style; pair it with the absolute time in a title attribute. */
export function formatRelative(iso: string, now: Date = new Date()): string {
  const then = new Date(iso).getTime();
  if (Number.isNaN(then)) return iso;
  const seconds = Math.round((now.getTime() - then) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return "just now";
  const units: [number, string][] = [
    [31_536_000, "y"],
    [2_592_000, "mo"],
    [86_400, "d"],
    [3_600, "h"],
    [60, "min"],
  ];
  const [size, unit] = units.find(([size]) => abs >= size) ?? [60, "min"];
  const amount = Math.max(1, Math.floor(abs / size));
  return seconds >= 0 ? `${amount} ${unit} ago` : `in ${amount} ${unit}`;
}

/** Score values: integers plainly, others to at most 4 significant decimals. */
export function formatScore(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  if (Number.isInteger(value)) return String(value);
  return Number(value.toFixed(4)).toString();
}

export function formatDelta(value: number | null): string {
  if (value === null) return "—";
  if (value === 0) return "±0";
  return `${value > 0 ? "+" : "−"}${formatScore(Math.abs(value))}`;
}

/**
 * A short, still distinctive form of a UUID. Trace ids are UUIDv7, whose leading digits are a
 * timestamp shared by traces stored together, so the random tail is what tells them apart.
 */
export function shortId(id: string): string {
  return id.replace(/-/g, "").slice(-8);
}

/** Metric values (loss, learning rate, tokens/s): readable at any magnitude. */
export function formatMetric(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  const abs = Math.abs(value);
  if (abs === 0) return "0";
  if (abs < 1e-3) return value.toExponential(2);
  if (abs >= 1000) return Math.round(value).toLocaleString("en-US");
  return String(Number(value.toPrecision(4)));
}
