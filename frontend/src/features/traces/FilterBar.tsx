import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from "react";
import { Icon } from "../../components/Icon";
import { shortId } from "../../lib/format";
import { RunName } from "../runs/RunName";
import {
  EMPTY_FILTERS,
  formatMetadata,
  formatScores,
  parseMetadata,
  parseScores,
  splitList,
  type TraceFilters,
} from "./filters";

interface Draft {
  q: string;
  source: string;
  tags: string;
  metadata: string;
  scores: string;
  createdAfter: string;
  createdBefore: string;
}

function toDraft(filters: TraceFilters): Draft {
  return {
    q: filters.q,
    source: filters.source,
    tags: filters.tags.join(", "),
    metadata: formatMetadata(filters.metadata),
    scores: formatScores(filters.scores),
    createdAfter: filters.createdAfter,
    createdBefore: filters.createdBefore,
  };
}

/** The traces filter form. It edits a draft and applies it on submit (Enter or "Apply"). */
export function FilterBar({
  filters,
  onApply,
}: {
  filters: TraceFilters;
  onApply: (filters: TraceFilters) => void;
}) {
  const [draft, setDraft] = useState<Draft>(() => toDraft(filters));
  const [metadataError, setMetadataError] = useState<string | null>(null);
  const [scoreError, setScoreError] = useState<string | null>(null);
  const id = useId();
  const search = useRef<HTMLInputElement>(null);

  // "/" jumps to the search box, as in most list tools (not while typing elsewhere).
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
      if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
      event.preventDefault();
      search.current?.focus();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  // The URL is the source of truth: back/forward or a removed chip resets the draft.
  useEffect(() => setDraft(toDraft(filters)), [filters]);

  const set = (key: keyof Draft) => (event: { target: { value: string } }) =>
    setDraft((d) => ({ ...d, [key]: event.target.value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const metadata = parseMetadata(draft.metadata);
    if (metadata.invalid.length) {
      setMetadataError(`Write metadata filters as KEY=VALUE (not "${metadata.invalid[0]}").`);
      return;
    }
    setMetadataError(null);
    const scores = parseScores(draft.scores);
    if (scores.invalid.length) {
      setScoreError(`Write score filters as NAME>=X, NAME<=X or NAME=X (not "${scores.invalid[0]}").`);
      return;
    }
    setScoreError(null);
    onApply({
      ...filters,
      q: draft.q.trim(),
      source: draft.source.trim(),
      tags: splitList(draft.tags),
      metadata: metadata.pairs,
      scores: scores.bounds,
      createdAfter: draft.createdAfter,
      createdBefore: draft.createdBefore,
    });
  };

  return (
    <form className="filter-bar" role="search" aria-label="Filter traces" onSubmit={submit}>
      <div className="field field-search">
        <label htmlFor={`${id}-q`}>Prompt contains</label>
        <div className="input-icon">
          <Icon name="search" />
          <input
            ref={search}
            id={`${id}-q`}
            type="search"
            aria-keyshortcuts="/"
            value={draft.q}
            onChange={set("q")}
            placeholder="Search prompts…  ( / )"
            autoComplete="off"
          />
        </div>
      </div>
      <div className="field">
        <label htmlFor={`${id}-source`}>Source</label>
        <input
          id={`${id}-source`}
          value={draft.source}
          onChange={set("source")}
          placeholder="gsm8k, eval…"
          autoComplete="off"
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-tags`}>Tags (all of)</label>
        <input
          id={`${id}-tags`}
          value={draft.tags}
          onChange={set("tags")}
          placeholder="train, reviewed"
          autoComplete="off"
        />
      </div>
      <div className="field field-wide">
        <label htmlFor={`${id}-meta`}>Metadata (KEY=VALUE)</label>
        <input
          id={`${id}-meta`}
          className="mono"
          value={draft.metadata}
          onChange={set("metadata")}
          placeholder="split=test level=3"
          aria-invalid={metadataError ? true : undefined}
          aria-describedby={metadataError ? `${id}-meta-error` : undefined}
          autoComplete="off"
        />
      </div>
      <div className="field field-wide">
        <label htmlFor={`${id}-scores`}>Scores</label>
        <input
          id={`${id}-scores`}
          className="mono"
          value={draft.scores}
          onChange={set("scores")}
          placeholder="answer_match>=1 baseline<=0.5"
          aria-invalid={scoreError ? true : undefined}
          aria-describedby={scoreError ? `${id}-score-error` : undefined}
          autoComplete="off"
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-after`}>Created after</label>
        <input
          id={`${id}-after`}
          type="datetime-local"
          value={draft.createdAfter}
          onChange={set("createdAfter")}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-before`}>Created before</label>
        <input
          id={`${id}-before`}
          type="datetime-local"
          value={draft.createdBefore}
          onChange={set("createdBefore")}
        />
      </div>
      <div className="filter-actions">
        <button type="submit" className="btn btn-primary">
          <Icon name="filter" /> Apply
        </button>
        <button
          type="button"
          className="btn btn-ghost"
          onClick={() => {
            setMetadataError(null);
            setScoreError(null);
            onApply(EMPTY_FILTERS);
          }}
        >
          Reset
        </button>
      </div>
      {scoreError ? (
        <p id={`${id}-score-error`} className="inline-error filter-error" role="alert">
          {scoreError}
        </p>
      ) : null}
      {metadataError ? (
        <p id={`${id}-meta-error`} className="inline-error filter-error" role="alert">
          {metadataError}
        </p>
      ) : null}
    </form>
  );
}

/** The applied filters as removable chips. */
export function ActiveFilters({
  filters,
  onChange,
}: {
  filters: TraceFilters;
  onChange: (filters: TraceFilters) => void;
}) {
  const chips: { key: string; label: string; shown?: ReactNode; remove: () => TraceFilters }[] = [];
  if (filters.q) chips.push({ key: "q", label: `text: “${filters.q}”`, remove: () => ({ ...filters, q: "" }) });
  if (filters.source)
    chips.push({ key: "source", label: `source: ${filters.source}`, remove: () => ({ ...filters, source: "" }) });
  for (const tag of filters.tags)
    chips.push({
      key: `tag:${tag}`,
      label: `tag: ${tag}`,
      remove: () => ({ ...filters, tags: filters.tags.filter((t) => t !== tag) }),
    });
  filters.metadata.forEach(([key, value], index) =>
    chips.push({
      key: `meta:${index}`,
      label: `${key} = ${value}`,
      remove: () => ({ ...filters, metadata: filters.metadata.filter((_, i) => i !== index) }),
    }),
  );
  filters.scores.forEach((bound, index) =>
    chips.push({
      key: `score:${index}`,
      label: `${bound.name} ${bound.op === ">=" ? "≥" : "≤"} ${bound.value}`,
      remove: () => ({ ...filters, scores: filters.scores.filter((_, i) => i !== index) }),
    }),
  );
  if (filters.createdAfter)
    chips.push({
      key: "after",
      label: `after ${filters.createdAfter.replace("T", " ")}`,
      remove: () => ({ ...filters, createdAfter: "" }),
    });
  if (filters.createdBefore)
    chips.push({
      key: "before",
      label: `before ${filters.createdBefore.replace("T", " ")}`,
      remove: () => ({ ...filters, createdBefore: "" }),
    });
  if (filters.runId)
    chips.push({
      key: "run",
      label: `run ${shortId(filters.runId)}`,
      // The run's name where it has one (the short id stays in the button's label).
      shown: <RunName id={filters.runId} />,
      remove: () => ({ ...filters, runId: "" }),
    });
  if (!chips.length) return null;
  return (
    <ul className="chips" aria-label="Active filters">
      {chips.map((chip) => (
        <li key={chip.key} className="chip">
          <span>{chip.shown ?? chip.label}</span>
          <button type="button" aria-label={`Remove filter ${chip.label}`} onClick={() => onChange(chip.remove())}>
            <Icon name="close" size={12} />
          </button>
        </li>
      ))}
    </ul>
  );
}
