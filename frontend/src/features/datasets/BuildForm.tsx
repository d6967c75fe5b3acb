import { useId, useMemo, useState, type FormEvent } from "react";
import { useNavigate } from "react-router";
import { Icon } from "../../components/Icon";
import { InlineError } from "../../components/states";
import { useToast } from "../../components/Toasts";
import { formatCount } from "../../lib/format";
import { useDebounced } from "../../lib/useDebounced";
import { useScorers } from "../scores/queries";
import {
  filtersToBody,
  formatMetadata,
  formatScores,
  parseMetadata,
  parseScores,
  splitList,
  type TraceFilters,
} from "../traces/filters";
import { useBuildDataset, useBuildPreview, type BuildRequest } from "./queries";

type Strategy = BuildRequest["selection_strategy"];

const STRATEGIES: { value: Strategy; label: string }[] = [
  { value: "latest", label: "Latest: the newest traces" },
  { value: "random", label: "Random: a seeded sample" },
  { value: "stratified", label: "Stratified: balanced by a metadata key" },
  { value: "top_score", label: "Top score: ranked by a scorer" },
];

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const VERSION = /^[A-Za-z0-9][A-Za-z0-9._]{0,31}$/;

interface Draft {
  name: string;
  version: string;
  description: string;
  source: string;
  tags: string;
  metadata: string;
  scores: string;
  q: string;
  strategy: Strategy;
  seed: string;
  limit: string;
  dedup: boolean;
  evalFraction: string;
  stratifyBy: string;
  scoreName: string;
  /** Carried over from the traces page; shown, not edited here. */
  createdAfter: string;
  createdBefore: string;
  runId: string;
}

/** The request the form describes, or the first problem that stops it being sent. */
export function toRequest(draft: Draft): { request: BuildRequest | null; problem: string | null } {
  const metadata = parseMetadata(draft.metadata);
  if (metadata.invalid.length) return { request: null, problem: `Metadata filters are KEY=VALUE (not "${metadata.invalid[0]}").` };
  const scores = parseScores(draft.scores);
  if (scores.invalid.length) return { request: null, problem: `Score filters are NAME>=X or NAME<=X (not "${scores.invalid[0]}").` };
  const limit = Number(draft.limit);
  if (!Number.isInteger(limit) || limit < 1) return { request: null, problem: "Limit must be a whole number of at least 1." };
  const seed = draft.seed.trim() === "" ? null : Number(draft.seed);
  if (seed !== null && (!Number.isInteger(seed) || seed < 0)) return { request: null, problem: "Seed must be a whole number ≥ 0." };
  if ((draft.strategy === "random" || draft.strategy === "stratified") && seed === null)
    return { request: null, problem: `The ${draft.strategy} strategy needs a seed, so the build can be repeated.` };
  if (draft.strategy === "stratified" && !draft.stratifyBy.trim())
    return { request: null, problem: "Stratified selection needs the metadata key to balance by." };
  if (draft.strategy === "top_score" && !draft.scoreName)
    return { request: null, problem: "Top-score selection needs a scorer to rank by." };
  const fraction = draft.evalFraction.trim() === "" ? null : Number(draft.evalFraction);
  if (fraction !== null && !(fraction > 0 && fraction < 1))
    return { request: null, problem: "The eval share must be between 0 and 1 (e.g. 0.1), or empty for no split." };
  const filters: TraceFilters = {
    source: draft.source.trim(),
    tags: splitList(draft.tags),
    metadata: metadata.pairs,
    scores: scores.bounds,
    q: draft.q.trim(),
    createdAfter: draft.createdAfter,
    createdBefore: draft.createdBefore,
    runId: draft.runId,
  };
  return {
    problem: null,
    request: {
      // Preview needs a valid name too; the real one is checked before building.
      dataset_name: NAME.test(draft.name) ? draft.name : "preview",
      dataset_version: VERSION.test(draft.version) ? draft.version : "1",
      filters: filtersToBody(filters),
      selection_strategy: draft.strategy,
      seed,
      limit,
      dedup: draft.dedup,
      split: fraction === null ? null : { eval_fraction: fraction, group_by: "prompt", seed: null },
      stratify_by: draft.strategy === "stratified" ? draft.stratifyBy.trim() : null,
      score_name: draft.strategy === "top_score" ? draft.scoreName : null,
      description: draft.description.trim() || null,
      session_id: null,
      parent_dataset_id: null,
      training_run_id: null,
    },
  };
}

export function BuildForm({ initial, onCancel }: { initial: TraceFilters; onCancel: () => void }) {
  const id = useId();
  const navigate = useNavigate();
  const notify = useToast();
  const scorers = useScorers();
  const build = useBuildDataset();
  const [draft, setDraft] = useState<Draft>({
    name: "",
    version: "1",
    description: "",
    source: initial.source,
    tags: initial.tags.join(", "),
    metadata: formatMetadata(initial.metadata),
    scores: formatScores(initial.scores),
    q: initial.q,
    strategy: "latest",
    seed: "",
    limit: "1000",
    dedup: true,
    evalFraction: "0.1",
    stratifyBy: "",
    scoreName: "",
    createdAfter: initial.createdAfter,
    createdBefore: initial.createdBefore,
    runId: initial.runId,
  });
  const [nameError, setNameError] = useState<string | null>(null);
  const set =
    <K extends keyof Draft>(key: K) =>
    (event: { target: { value: string } }) =>
      setDraft((d) => ({ ...d, [key]: event.target.value }));

  const { request, problem } = useMemo(() => toRequest(draft), [draft]);
  const preview = useBuildPreview(useDebounced(request, 350));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!NAME.test(draft.name)) {
      setNameError("Name: letters, digits, '.', '_' or '-', starting with a letter or digit.");
      return;
    }
    if (!VERSION.test(draft.version)) {
      setNameError("Version: letters, digits, '.' or '_' (no '-'), e.g. 1 or 2025.06.");
      return;
    }
    setNameError(null);
    if (!request) return;
    build.mutate(
      { ...request, dataset_name: draft.name, dataset_version: draft.version },
      {
        onSuccess: (result) => {
          notify(`Built ${result.dataset_key}: ${formatCount(result.trace_count)} traces`);
          navigate(`/datasets/${encodeURIComponent(result.dataset_key)}`);
        },
      },
    );
  };

  return (
    <form className="card build-form" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <div className="card-header">
        <h2 className="card-title" id={`${id}-title`}>
          Build a dataset
        </h2>
        <button type="button" className="btn btn-ghost btn-sm" onClick={onCancel}>
          Close
        </button>
      </div>
      <div className="card-body build-sections">
        <fieldset>
          <legend>Name</legend>
          <div className="form-grid">
            <div className="field">
              <label htmlFor={`${id}-name`}>Dataset name</label>
              <input id={`${id}-name`} value={draft.name} onChange={set("name")} placeholder="gsm8k-sft" />
            </div>
            <div className="field">
              <label htmlFor={`${id}-version`}>Version</label>
              <input id={`${id}-version`} value={draft.version} onChange={set("version")} />
            </div>
            <div className="field span-2">
              <label htmlFor={`${id}-desc`}>Description (optional)</label>
              <input id={`${id}-desc`} value={draft.description} onChange={set("description")} />
            </div>
          </div>
        </fieldset>
        <fieldset>
          <legend>Which traces</legend>
          <div className="form-grid">
            <div className="field">
              <label htmlFor={`${id}-source`}>Source</label>
              <input id={`${id}-source`} value={draft.source} onChange={set("source")} placeholder="gsm8k" />
            </div>
            <div className="field">
              <label htmlFor={`${id}-tags`}>Tags (all of)</label>
              <input id={`${id}-tags`} value={draft.tags} onChange={set("tags")} />
            </div>
            <div className="field">
              <label htmlFor={`${id}-meta`}>Metadata (KEY=VALUE)</label>
              <input id={`${id}-meta`} className="mono" value={draft.metadata} onChange={set("metadata")} placeholder="split=train" />
            </div>
            <div className="field">
              <label htmlFor={`${id}-scores`}>Scores</label>
              <input id={`${id}-scores`} className="mono" value={draft.scores} onChange={set("scores")} placeholder="answer_match>=1" />
            </div>
            <div className="field span-2">
              <label htmlFor={`${id}-q`}>Prompt contains</label>
              <input id={`${id}-q`} value={draft.q} onChange={set("q")} />
            </div>
            {draft.createdAfter || draft.createdBefore || draft.runId ? (
              <p className="field-hint span-2">
                Also, from the traces page:
                {draft.createdAfter ? ` created after ${draft.createdAfter.replace("T", " ")}` : ""}
                {draft.createdBefore ? ` created before ${draft.createdBefore.replace("T", " ")}` : ""}
                {draft.runId ? ` run ${draft.runId}` : ""}{" "}
                <button
                  type="button"
                  className="btn btn-ghost btn-sm"
                  onClick={() => setDraft((d) => ({ ...d, createdAfter: "", createdBefore: "", runId: "" }))}
                >
                  Drop these
                </button>
              </p>
            ) : null}
          </div>
        </fieldset>
        <fieldset>
          <legend>Selection and split</legend>
          <div className="form-grid">
            <div className="field span-2">
              <label htmlFor={`${id}-strategy`}>Strategy</label>
              <select id={`${id}-strategy`} value={draft.strategy} onChange={set("strategy")}>
                {STRATEGIES.map((s) => (
                  <option key={s.value} value={s.value}>
                    {s.label}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor={`${id}-limit`}>Limit</label>
              <input id={`${id}-limit`} inputMode="numeric" value={draft.limit} onChange={set("limit")} />
            </div>
            <div className="field">
              <label htmlFor={`${id}-seed`}>Seed{draft.strategy === "random" || draft.strategy === "stratified" ? "" : " (optional)"}</label>
              <input id={`${id}-seed`} inputMode="numeric" value={draft.seed} onChange={set("seed")} placeholder="42" />
            </div>
            {draft.strategy === "stratified" ? (
              <div className="field">
                <label htmlFor={`${id}-strata`}>Balance by metadata key</label>
                <input id={`${id}-strata`} className="mono" value={draft.stratifyBy} onChange={set("stratifyBy")} placeholder="difficulty" />
              </div>
            ) : null}
            {draft.strategy === "top_score" ? (
              <div className="field">
                <label htmlFor={`${id}-rank`}>Rank by scorer</label>
                <select id={`${id}-rank`} value={draft.scoreName} onChange={set("scoreName")}>
                  <option value="">Choose…</option>
                  {scorers.data?.map((s) => (
                    <option key={s.name} value={s.name}>
                      {s.name}
                    </option>
                  ))}
                </select>
              </div>
            ) : null}
            <div className="field">
              <label htmlFor={`${id}-eval`}>Eval share (empty: no split)</label>
              <input id={`${id}-eval`} inputMode="decimal" value={draft.evalFraction} onChange={set("evalFraction")} placeholder="0.1" />
            </div>
            <div className="field checkbox-field">
              <label>
                <input
                  type="checkbox"
                  checked={draft.dedup}
                  onChange={(e) => setDraft((d) => ({ ...d, dedup: e.target.checked }))}
                />{" "}
                Drop duplicates (same prompt and answer)
              </label>
            </div>
          </div>
        </fieldset>
      </div>
      <div className="build-footer">
        <div className="build-preview" role="status" aria-live="polite">
          {problem ? (
            <span className="inline-error">{problem}</span>
          ) : preview.isError ? (
            <span className="inline-error">{preview.error.message}</span>
          ) : preview.data ? (
            <span className={preview.isFetching ? "stale" : undefined}>
              <strong>{formatCount(preview.data.matched)}</strong> traces match ·{" "}
              <strong>{formatCount(preview.data.selected)}</strong> would be selected
              {draft.dedup ? " (before dedup)" : ""}
            </span>
          ) : (
            <span className="muted">Counting matching traces…</span>
          )}
        </div>
        {nameError ? <p className="inline-error" role="alert">{nameError}</p> : null}
        {build.isError ? <InlineError error={build.error} /> : null}
        <button
          type="submit"
          className="btn btn-primary"
          disabled={!request || build.isPending || preview.data?.selected === 0}
        >
          <Icon name="datasets" /> {build.isPending ? "Building…" : "Build dataset"}
        </button>
      </div>
    </form>
  );
}
