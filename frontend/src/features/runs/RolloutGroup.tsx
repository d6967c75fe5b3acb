import { Link } from "react-router";
import { Badge } from "../../components/bits";
import { formatDelta, formatScore, shortId } from "../../lib/format";
import type { ScoreRange } from "../../lib/scores";
import { ScoreValue } from "../scores/ScoreValue";
import type { RolloutCompletion, RolloutGroup } from "./queries";

const TAG = /(<\/?(?:reasoning|answer)>)/g;

/**
 * A raw response with its format tags shown as small labels and the answer emphasised; the
 * text itself is exactly what the model wrote (nothing outside the tags is hidden).
 */
export function ResponseText({ text }: { text: string }) {
  let inAnswer = false;
  const parts = text.split(TAG).map((part, i) => {
    if (/^<\/?(reasoning|answer)>$/.test(part)) {
      inAnswer = part === "<answer>";
      return (
        <span key={i} className="response-tag">
          {part}
        </span>
      );
    }
    return inAnswer ? (
      <strong key={i} className="response-answer">
        {part}
      </strong>
    ) : (
      <span key={i}>{part}</span>
    );
  });
  return (
    <pre className="response-text" tabIndex={0} aria-label="Response">
      {text ? parts : <span className="muted">(empty response)</span>}
    </pre>
  );
}

export function ScoreChips({ scores, order }: { scores: Record<string, number>; order: string[] }) {
  const names = [...order.filter((n) => n in scores), ...Object.keys(scores).filter((n) => !order.includes(n)).sort()];
  if (!names.length) return <span className="muted small">Not scored</span>;
  return (
    <ul className="score-chips" aria-label="Scores">
      {names.map((name) => (
        <li key={name}>
          <ScoreValue name={name} value={scores[name]} chip />
        </li>
      ))}
    </ul>
  );
}

function Advantage({ value }: { value: number }) {
  const sign = value > 0 ? "positive" : value < 0 ? "negative" : "zero";
  return (
    <span className={`advantage advantage-${sign}`} title="Advantage: the reward relative to its group">
      <span className="advantage-label">advantage</span> <span className="mono">{formatDelta(value)}</span>
    </span>
  );
}

/** A total reward "of" its maximum, coloured by where it sits between its ends. */
export function RewardValue({ value, range }: { value: number | null; range: ScoreRange | null }) {
  return (
    <span className="reward-value">
      <ScoreValue name="reward" value={value} range={range} />
      {range ? <span className="muted"> of {formatScore(range.max)}</span> : null}
    </span>
  );
}

function CompletionCard({
  completion,
  scorers,
  reference,
  rewardRange,
}: {
  completion: RolloutCompletion;
  scorers: string[];
  reference: string | null;
  rewardRange: ScoreRange | null;
}) {
  const right = reference !== null && completion.scores["answer_match"] === 1;
  return (
    <article
      className={`completion-card completion-${completion.advantage > 0 ? "up" : completion.advantage < 0 ? "down" : "flat"}`}
      aria-label={`Completion ${completion.index}`}
    >
      <header className="completion-head">
        <span className="completion-index mono">#{completion.index}</span>
        <span className="completion-reward">
          reward <RewardValue value={completion.reward} range={rewardRange} />
        </span>
        <Advantage value={completion.advantage} />
      </header>
      <ResponseText text={completion.response} />
      <div className="completion-answer">
        <span className="muted">Final answer</span>{" "}
        <strong className="mono">{completion.final_answer || "—"}</strong>
        {reference !== null && "answer_match" in completion.scores ? (
          <span className={right ? "answer-right" : "answer-wrong"}>{right ? " ✓ matches" : " ✗ differs"}</span>
        ) : null}
      </div>
      <footer className="completion-foot">
        <ScoreChips scores={completion.scores} order={scorers} />
        <Link to={`/traces/${completion.trace_id}`} aria-label={`Open the trace of completion ${completion.index}`}>
          Trace {shortId(completion.trace_id)}
        </Link>
      </footer>
    </article>
  );
}

/**
 * One prompt group: the prompt and reference, then its completions side by side. The group's
 * mean reward is what each completion's advantage is measured against.
 */
export function RolloutGroupView({
  group,
  scorers,
  rewardRange,
}: {
  group: RolloutGroup;
  scorers: string[];
  rewardRange: ScoreRange | null;
}) {
  const rewards = group.completions.map((c) => c.reward);
  const flat = rewards.length > 1 && rewards.every((r) => r === rewards[0]);
  const mean = rewards.length ? rewards.reduce((a, b) => a + b, 0) / rewards.length : null;
  return (
    <section className="rollout-group" aria-labelledby={`group-${group.group}-title`}>
      <div className="rollout-group-head">
        <h3 id={`group-${group.group}-title`}>Group {group.group}</h3>
        <span className="mono muted small">{group.item_id}</span>
        <span className="small" title="Each completion's advantage is its reward measured against this mean">
          group mean reward <RewardValue value={mean} range={rewardRange} />
        </span>
        {flat ? (
          <Badge tone="warning" title="Every completion earned the same reward: GRPO learns nothing from this group">
            no learning signal
          </Badge>
        ) : null}
      </div>
      <div className="rollout-prompt">
        <p className="prose-block">{group.prompt}</p>
        <p className="small">
          <span className="muted">Reference answer</span>{" "}
          <strong className="mono">{group.reference_answer ?? "—"}</strong>
        </p>
      </div>
      <div className="completion-grid">
        {group.completions.map((c) => (
          <CompletionCard
            key={c.index}
            completion={c}
            scorers={scorers}
            reference={group.reference_answer}
            rewardRange={rewardRange}
          />
        ))}
      </div>
    </section>
  );
}
