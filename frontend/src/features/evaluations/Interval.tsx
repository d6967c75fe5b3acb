import { formatScore } from "../../lib/format";

/**
 * A mean (or delta) with its 95% interval, drawn on a shared axis so rows can be compared at a
 * glance; `zero` draws the no-change line.
 */
export function IntervalBar({
  value,
  low,
  high,
  domain,
  zero = false,
}: {
  value: number | null;
  low: number | null;
  high: number | null;
  domain: [number, number];
  zero?: boolean;
}) {
  const [d0, d1] = domain;
  const x = (v: number) => `${(((v - d0) / (d1 - d0 || 1)) * 100).toFixed(2)}%`;
  const label =
    value === null ? "no value" : `${formatScore(value)}${low !== null && high !== null ? `, 95% interval ${formatScore(low)} to ${formatScore(high)}` : ""}`;
  const tone = !zero || value === null || low === null || high === null ? "" : low > 0 ? "up" : high < 0 ? "down" : "flat";
  return (
    <div className={`interval interval-${tone || "plain"}`} role="img" aria-label={label}>
      {zero ? <span className="interval-zero" style={{ left: x(0) }} /> : null}
      {low !== null && high !== null ? (
        <span className="interval-range" style={{ left: x(low), width: `calc(${x(high)} - ${x(low)})` }} />
      ) : null}
      {value !== null ? <span className="interval-point" style={{ left: x(value) }} /> : null}
    </div>
  );
}

/** A symmetric-enough domain covering every value and bound given (and 0 when asked). */
export function domainOf(values: (number | null)[], includeZero: boolean): [number, number] {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (includeZero) finite.push(0);
  if (!finite.length) return [0, 1];
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const pad = (hi - lo) * 0.08;
  return [lo - pad, hi + pad];
}
