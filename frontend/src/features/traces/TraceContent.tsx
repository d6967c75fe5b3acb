import { Link } from "react-router";
import type { Schemas } from "../../lib/api";
import { ScoreValue } from "../scores/ScoreValue";

type Step = Schemas["StepRead"];

/** The reasoning, one numbered step per row, in monospace, apart from the answer. */
export function StepList({ steps }: { steps: Step[] }) {
  if (!steps.length) return <p className="muted">This trace has no reasoning steps.</p>;
  return (
    <ol className="steps" aria-label="Reasoning steps">
      {steps.map((step, index) => (
        <li key={index} className="step">
          <span className="step-index" aria-hidden="true">
            {index + 1}
          </span>
          <div className="step-content">
            {step.type !== "reasoning" ? <span className="step-type">{step.type}</span> : null}
            <pre className="mono-block">{step.content}</pre>
          </div>
        </li>
      ))}
    </ol>
  );
}

export function AnswerPair({
  finalAnswer,
  referenceAnswer,
  match,
}: {
  finalAnswer: string;
  referenceAnswer: string | null;
  /** The latest answer_match score, when the trace has one. */
  match?: number | null;
}) {
  return (
    <div className="answers">
      <div className="answer">
        <div className="answer-label">
          Final answer
          {match === 1 ? (
            <span className="badge badge-success">matches reference</span>
          ) : match === 0 ? (
            <span className="badge badge-danger">does not match</span>
          ) : null}
        </div>
        <pre className="mono-block answer-value">{finalAnswer || "(empty)"}</pre>
      </div>
      <div className="answer">
        <div className="answer-label">Reference answer</div>
        {referenceAnswer === null ? (
          <p className="muted">No reference answer.</p>
        ) : (
          <pre className="mono-block answer-value">{referenceAnswer}</pre>
        )}
      </div>
    </div>
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An object of numbers (a rollout's `trainer_rewards`): one row each, scores coloured. */
function isNumberMap(value: unknown): value is Record<string, number> {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length > 0 &&
    Object.values(value).every((v) => typeof v === "number")
  );
}

function MetadataValue({ name, value }: { name: string; value: unknown }) {
  if (typeof value === "string" && UUID.test(value)) {
    // An id of something stored: the trace (item_id, source trace) or evaluation it names.
    const to = name === "evaluation_id" ? `/evaluations/${value}` : `/traces/${value}`;
    return (
      <Link className="mono" to={to}>
        {value}
      </Link>
    );
  }
  if (isNumberMap(value)) {
    return (
      <dl className="kv kv-nested">
        {Object.entries(value).map(([key, v]) => (
          <div key={key} className="kv-row">
            <dt className="mono">{key}</dt>
            <dd>
              <ScoreValue name={key} value={v} />
            </dd>
          </div>
        ))}
      </dl>
    );
  }
  return <span className="mono">{typeof value === "string" ? value : JSON.stringify(value)}</span>;
}

export function MetadataGrid({ metadata }: { metadata: Record<string, unknown> }) {
  const entries = Object.entries(metadata);
  if (!entries.length) return <p className="muted">No metadata.</p>;
  return (
    <dl className="kv">
      {entries.map(([key, value]) => (
        <div key={key} className="kv-row">
          <dt>{key}</dt>
          <dd>
            <MetadataValue name={key} value={value} />
          </dd>
        </div>
      ))}
    </dl>
  );
}
