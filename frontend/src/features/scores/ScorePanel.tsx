import { useId, useState, type FormEvent } from "react";
import { Badge, Time } from "../../components/bits";
import { Icon } from "../../components/Icon";
import { InlineError } from "../../components/states";
import { useToast } from "../../components/Toasts";
import { errorMessage, type Schemas } from "../../lib/api";
import { formatScore } from "../../lib/format";
import { useCreateScore, useScorers } from "./queries";
import { ScoreValue } from "./ScoreValue";

type Score = Schemas["ScoreRead"];

const SOURCE_TONE = { auto: "info", human: "accent", judge: "warning" } as const;

export function ScoreTable({ scores }: { scores: Score[] }) {
  if (!scores.length) {
    return <p className="muted empty-inline">No scores yet. Run a scorer or add a human score.</p>;
  }
  return (
    <div className="table-wrap">
      <table className="table score-table">
        <caption className="visually-hidden">Scores of this trace, oldest first</caption>
        <thead>
          <tr>
            <th scope="col">Scorer</th>
            <th scope="col" className="num">
              Value
            </th>
            <th scope="col">Label</th>
            <th scope="col">Source</th>
            <th scope="col">When</th>
          </tr>
        </thead>
        <tbody>
          {scores.map((score) => (
            <tr key={score.id}>
              <td>
                <span className="mono">{score.name}</span>
                {score.version ? <span className="muted small"> v{score.version}</span> : null}
                {Object.keys(score.details).length ? (
                  <details className="score-details">
                    <summary>details</summary>
                    <pre className="mono-block small">{JSON.stringify(score.details, null, 2)}</pre>
                  </details>
                ) : null}
              </td>
              <td className="num strong">
                <ScoreValue name={score.name} value={score.value} />
              </td>
              <td>{score.label ?? <span className="muted">—</span>}</td>
              <td>
                <Badge tone={SOURCE_TONE[score.source]}>{score.source}</Badge>
              </td>
              <td className="col-time">
                <Time iso={score.created_at} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function RunScorerForm({ traceId }: { traceId: string }) {
  const scorers = useScorers();
  const create = useCreateScore(traceId);
  const notify = useToast();
  const [name, setName] = useState("");
  const [runningAll, setRunningAll] = useState(false);
  const id = useId();
  const selected = name || scorers.data?.[0]?.name || "";
  const description = scorers.data?.find((s) => s.name === selected)?.description;

  const run = (event: FormEvent) => {
    event.preventDefault();
    if (!selected) return;
    create.mutate(
      { scorer: selected },
      {
        onSuccess: (score) => notify(`${score.name}: ${formatScore(score.value)}`),
      },
    );
  };

  const runAll = async () => {
    if (!scorers.data) return;
    setRunningAll(true);
    try {
      for (const scorer of scorers.data) await create.mutateAsync({ scorer: scorer.name });
      notify(`Ran ${scorers.data.length} scorers`);
    } catch (error) {
      notify(errorMessage(error), "error");
    } finally {
      setRunningAll(false);
    }
  };

  if (scorers.isError) return <InlineError error={scorers.error} />;
  return (
    <form className="inline-form" onSubmit={run} aria-label="Run a scorer">
      <div className="field grow">
        <label htmlFor={`${id}-scorer`}>Scorer</label>
        <select
          id={`${id}-scorer`}
          value={selected}
          onChange={(e) => setName(e.target.value)}
          disabled={scorers.isPending}
          aria-describedby={description ? `${id}-desc` : undefined}
        >
          {scorers.isPending ? <option>Loading…</option> : null}
          {scorers.data?.map((scorer) => (
            <option key={scorer.name} value={scorer.name}>
              {scorer.name} (v{scorer.version})
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className="btn btn-primary" disabled={!selected || create.isPending}>
        <Icon name="play" /> {create.isPending && !runningAll ? "Running…" : "Run"}
      </button>
      <button
        type="button"
        className="btn"
        disabled={!scorers.data?.length || create.isPending}
        onClick={() => void runAll()}
      >
        {runningAll ? "Running all…" : "Run all"}
      </button>
      {description ? (
        <p id={`${id}-desc`} className="field-hint full">
          {description}
        </p>
      ) : null}
      {create.isError && !runningAll ? (
        <div className="full">
          <InlineError error={create.error} />
        </div>
      ) : null}
    </form>
  );
}

export function HumanScoreForm({ traceId }: { traceId: string }) {
  const create = useCreateScore(traceId);
  const notify = useToast();
  const [name, setName] = useState("human");
  const [value, setValue] = useState("");
  const [label, setLabel] = useState("");
  const id = useId();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const numeric = Number(value);
    if (value.trim() === "" || !Number.isFinite(numeric)) return;
    create.mutate(
      {
        name: name.trim() || "human",
        value: numeric,
        label: label.trim() || null,
        source: "human",
        details: {},
      },
      {
        onSuccess: (score) => {
          notify(`Saved ${score.name} = ${formatScore(score.value)}`);
          setValue("");
          setLabel("");
        },
      },
    );
  };

  const invalid = value.trim() !== "" && !Number.isFinite(Number(value));
  return (
    <form className="inline-form" onSubmit={submit} aria-label="Add a human score">
      <div className="field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} required maxLength={128} />
      </div>
      <div className="field narrow">
        <label htmlFor={`${id}-value`}>Value</label>
        <input
          id={`${id}-value`}
          inputMode="decimal"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          placeholder="e.g. 1"
          required
          aria-invalid={invalid || undefined}
        />
      </div>
      <div className="field grow">
        <label htmlFor={`${id}-label`}>Label (optional)</label>
        <input
          id={`${id}-label`}
          value={label}
          onChange={(e) => setLabel(e.target.value)}
          placeholder="correct, unclear…"
          maxLength={128}
        />
      </div>
      <button type="submit" className="btn" disabled={create.isPending || invalid || !value.trim()}>
        <Icon name="plus" /> Add score
      </button>
      {invalid ? (
        <p className="inline-error full" role="alert">
          The value must be a number.
        </p>
      ) : null}
      {create.isError ? (
        <div className="full">
          <InlineError error={create.error} />
        </div>
      ) : null}
    </form>
  );
}
