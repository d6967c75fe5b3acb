import { formatScore } from "../../lib/format";
import { scoreFraction, scoreStep, type ScoreRange } from "../../lib/scores";
import { useScorerRanges } from "./queries";

const STEP_WORDS = ["worst fifth", "second fifth", "middle fifth", "fourth fifth", "best fifth"];

/** The scale's class and a words-only description of where a score sits in its range. */
export function scoreScale(value: number | null | undefined, range: ScoreRange | null): { className: string; title?: string } {
  const fraction = scoreFraction(value, range);
  if (fraction === null || !range) return { className: "score-scale score-unranged" };
  const step = scoreStep(fraction);
  return {
    className: `score-scale score-${step}`,
    title: `${formatScore(value)} on ${formatScore(range.min)}–${formatScore(range.max)}: ${STEP_WORDS[step]} of the range`,
  };
}

/**
 * A score, coloured by where it sits in its scorer's range (`name`; or `range` given directly,
 * e.g. a weighted reward's 0 to its maximum). `chip` shows the name beside the value.
 */
export function ScoreValue({
  name,
  value,
  range,
  chip = false,
}: {
  name: string;
  value: number | null | undefined;
  range?: ScoreRange | null;
  chip?: boolean;
}) {
  const ranges = useScorerRanges();
  const scale = scoreScale(value, range === undefined ? (ranges.get(name) ?? null) : range);
  return (
    <span className={`${scale.className}${chip ? " score-chip" : ""}`} title={scale.title}>
      {chip ? <span className="mono score-chip-name">{name}</span> : null}
      {chip ? " " : null}
      <span className="mono">{formatScore(value)}</span>
    </span>
  );
}
