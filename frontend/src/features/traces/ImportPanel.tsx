import { useQueryClient } from "@tanstack/react-query";
import { useId, useRef, useState, type FormEvent } from "react";
import type { operations } from "../../api/schema";
import { Badge } from "../../components/bits";
import { Icon } from "../../components/Icon";
import { InlineError } from "../../components/states";
import { useToast } from "../../components/Toasts";
import { ApiError, type Schemas } from "../../lib/api";
import { formatCount } from "../../lib/format";
import { uploadFile } from "../../lib/upload";
import { traceKeys } from "./queries";

type ImportQuery = operations["traces-import_traces"]["parameters"]["query"];
type ImportResult = Schemas["ImportResult"];
type Parser = NonNullable<ImportQuery["parser"]>;

export function importUrl(query: ImportQuery): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === "") continue;
    if (Array.isArray(value)) value.forEach((v) => params.append(key, String(v)));
    else params.set(key, String(value));
  }
  return `/api/traces/import?${params}`;
}

type InvalidLine = Schemas["InvalidLine"];

/** A refused import (422) carries the would-be result, with the bad lines, in its details. */
function refusedLines(error: unknown): InvalidLine[] {
  if (!(error instanceof ApiError) || typeof error.details !== "object" || error.details === null) return [];
  const invalid = (error.details as { invalid?: unknown }).invalid;
  return Array.isArray(invalid) ? (invalid as InvalidLine[]) : [];
}

function InvalidLines({ lines }: { lines: InvalidLine[] }) {
  if (!lines.length) return null;
  return (
    <ul className="invalid-lines" aria-label="Invalid lines">
      {lines.slice(0, 20).map((line) => (
        <li key={line.line} className="mono small">
          line {line.line}: {line.error}
        </li>
      ))}
      {lines.length > 20 ? <li className="muted small">…and {formatCount(lines.length - 20)} more</li> : null}
    </ul>
  );
}

function guessSplit(name: string): string {
  const match = /(train|test|eval|validation|dev)/i.exec(name);
  return match ? match[1]!.toLowerCase() : "";
}

/** Import a JSONL file (GSM8K rows, or any records with a field mapping), with upload progress. */
export function ImportPanel({ onClose }: { onClose: () => void }) {
  const id = useId();
  const client = useQueryClient();
  const notify = useToast();
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState<"gsm8k" | "jsonl">("gsm8k");
  const [split, setSplit] = useState("");
  const [keepMarks, setKeepMarks] = useState(false);
  const [source, setSource] = useState("");
  const [mapping, setMapping] = useState("prompt=question\nresponse=output");
  const [parser, setParser] = useState<Parser>("tags");
  const [skipInvalid, setSkipInvalid] = useState(false);
  const [progress, setProgress] = useState<{ sent: number; total: number } | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const abort = useRef<AbortController | null>(null);
  const busy = progress !== null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) {
      setError(new ApiError(0, "no_file", "Choose a file to import."));
      return;
    }
    if (format === "jsonl" && !source.trim()) {
      setError(new ApiError(0, "no_source", "A JSONL import needs a source name for its traces (e.g. my-model)."));
      return;
    }
    const query: ImportQuery =
      format === "gsm8k"
        ? { format, split: split.trim() || null, keep_calculator_marks: keepMarks, skip_invalid: skipInvalid }
        : {
            format,
            source: source.trim(),
            map: mapping.split(/\n+/).map((l) => l.trim()).filter(Boolean),
            parser,
            skip_invalid: skipInvalid,
          };
    setError(null);
    setResult(null);
    setProgress({ sent: 0, total: file.size });
    abort.current = new AbortController();
    try {
      const answer = await uploadFile<ImportResult>(importUrl(query), file, {
        signal: abort.current.signal,
        onProgress: (sent, total) => setProgress({ sent, total }),
      });
      setResult(answer);
      notify(`Imported ${formatCount(answer.created)} new traces`);
      await client.invalidateQueries({ queryKey: traceKeys.all });
    } catch (caught) {
      setError(caught);
    } finally {
      setProgress(null);
      abort.current = null;
    }
  };

  const percent = progress ? Math.round((100 * progress.sent) / Math.max(1, progress.total)) : 0;
  const uploaded = progress !== null && progress.sent >= progress.total;

  return (
    <form className="card import-panel" onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-title`}>
      <div className="card-header">
        <h2 className="card-title" id={`${id}-title`}>
          Import traces from a file
        </h2>
        <button type="button" className="btn btn-ghost btn-sm" onClick={onClose} disabled={busy}>
          Close
        </button>
      </div>
      <div className="card-body build-sections">
        <div className="form-grid">
          <div className="field span-2">
            <label htmlFor={`${id}-file`}>JSONL file</label>
            <input
              id={`${id}-file`}
              type="file"
              accept=".jsonl,.ndjson,.json,.txt,application/x-ndjson,application/json,text/plain"
              onChange={(e) => {
                const chosen = e.target.files?.[0] ?? null;
                setFile(chosen);
                if (chosen && !split) setSplit(guessSplit(chosen.name));
              }}
            />
          </div>
          <fieldset className="field span-2 radio-row">
            <legend>Format</legend>
            <label>
              <input type="radio" name={`${id}-format`} checked={format === "gsm8k"} onChange={() => setFormat("gsm8k")} /> GSM8K rows{" "}
              <span className="muted">(question, answer with “#### n”)</span>
            </label>
            <label>
              <input type="radio" name={`${id}-format`} checked={format === "jsonl"} onChange={() => setFormat("jsonl")} /> Any JSONL, with a field mapping
            </label>
          </fieldset>
          {format === "gsm8k" ? (
            <>
              <div className="field">
                <label htmlFor={`${id}-split`}>Split (stored in metadata)</label>
                <input id={`${id}-split`} value={split} onChange={(e) => setSplit(e.target.value)} placeholder="train" />
              </div>
              <div className="field checkbox-field">
                <label>
                  <input type="checkbox" checked={keepMarks} onChange={(e) => setKeepMarks(e.target.checked)} /> Keep calculator marks (&lt;&lt;48/2=24&gt;&gt;)
                </label>
              </div>
            </>
          ) : (
            <>
              <div className="field">
                <label htmlFor={`${id}-source`}>Source</label>
                <input id={`${id}-source`} value={source} onChange={(e) => setSource(e.target.value)} placeholder="my-model" />
              </div>
              <div className="field">
                <label htmlFor={`${id}-parser`}>Split a mapped response with</label>
                <select id={`${id}-parser`} value={parser} onChange={(e) => setParser(e.target.value as Parser)}>
                  <option value="tags">tags (&lt;reasoning&gt; / &lt;answer&gt;)</option>
                  <option value="numbered">numbered (1. … Answer:)</option>
                  <option value="gsm8k">gsm8k (#### answer)</option>
                  <option value="lines">lines (last line is the answer)</option>
                </select>
              </div>
              <div className="field span-2">
                <label htmlFor={`${id}-map`}>Mapping: FIELD=PATH, one per line</label>
                <textarea id={`${id}-map`} className="mono" rows={3} value={mapping} onChange={(e) => setMapping(e.target.value)} />
                <span className="field-hint">
                  Fields: prompt, steps, final_answer, reference_answer, response, tags, metadata. Paths are dotted (out.text).
                </span>
              </div>
            </>
          )}
          <div className="field checkbox-field span-2">
            <label>
              <input type="checkbox" checked={skipInvalid} onChange={(e) => setSkipInvalid(e.target.checked)} /> Skip invalid lines
              (otherwise one bad line stops the whole import)
            </label>
          </div>
        </div>
      </div>
      <div className="build-footer">
        <div className="build-preview" role="status" aria-live="polite">
          {progress ? (
            <span className="progress-line">
              <progress max={100} value={percent} aria-label="Upload progress" />
              {uploaded ? "Uploaded; storing traces…" : `Uploading ${percent}%`}
            </span>
          ) : result ? (
            <span>
              Read <strong>{formatCount(result.read)}</strong> · <Badge tone="success">{formatCount(result.created)} new</Badge>{" "}
              <Badge>{formatCount(result.existing)} already stored</Badge>{" "}
              {result.invalid_count ? <Badge tone="danger">{formatCount(result.invalid_count)} invalid</Badge> : null}
            </span>
          ) : file ? (
            <span className="muted">
              {file.name} · {formatCount(file.size)} bytes
            </span>
          ) : (
            <span className="muted">No file chosen.</span>
          )}
        </div>
        {busy ? (
          <button type="button" className="btn" onClick={() => abort.current?.abort()}>
            Cancel
          </button>
        ) : null}
        <button type="submit" className="btn btn-primary" disabled={busy || !file}>
          <Icon name="plus" /> Import
        </button>
      </div>
      {error ? (
        <div className="card-body import-errors">
          <InlineError error={error} />
          <InvalidLines lines={refusedLines(error)} />
        </div>
      ) : null}
      {result && result.invalid.length ? (
        <div className="card-body import-errors">
          <InvalidLines lines={result.invalid} />
        </div>
      ) : null}
    </form>
  );
}
