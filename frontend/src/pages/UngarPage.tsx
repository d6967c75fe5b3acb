import { useId, useState, type FormEvent } from "react";
import { Link } from "react-router";
import { Badge, Card } from "../components/bits";
import { DownloadLink } from "../components/DownloadLink";
import { Icon } from "../components/Icon";
import { PageHeader } from "../components/PageHeader";
import { ErrorState, InlineError, LoadingState } from "../components/states";
import { StepList } from "../features/traces/TraceContent";
import { useGenerateDuels, useUngarStatus } from "../features/ungar/queries";
import { formatCount } from "../lib/format";

export function UngarPage() {
  const status = useUngarStatus();
  const generate = useGenerateDuels();
  const [count, setCount] = useState("10");
  const [seed, setSeed] = useState("");
  const [persist, setPersist] = useState(true);
  const id = useId();
  const installed = status.data?.available === true;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const n = Number(count);
    const s = seed.trim() === "" ? null : Number(seed);
    if (!Number.isInteger(n) || n < 1 || n > 100) return;
    if (s !== null && (!Number.isInteger(s) || s < 0)) return;
    generate.mutate({ count: n, seed: s, persist });
  };
  const countInvalid = !(Number.isInteger(Number(count)) && Number(count) >= 1 && Number(count) <= 100);

  return (
    <div className="page">
      <PageHeader
        title="UNGAR"
        subtitle="Card-game episodes (High Card Duel) from the UNGAR library, stored as reasoning traces."
      />
      <Card title="Status" id="ungar-status">
        {status.isPending ? (
          <LoadingState label="Checking UNGAR" rows={1} />
        ) : status.isError ? (
          <ErrorState error={status.error} title="Could not check UNGAR" onRetry={() => void status.refetch()} />
        ) : installed ? (
          <p className="status-line">
            <Badge tone="success">Installed</Badge> version <span className="mono">{status.data.version ?? "unknown"}</span>
          </p>
        ) : (
          <div className="status-line">
            <Badge tone="warning">Not Installed</Badge>
            <span>
              UNGAR is optional. Install it into the server’s environment (the backend’s{" "}
              <code>ungar</code> extra) and restart <code>tunix-rt serve</code> to generate episodes.
            </span>
          </div>
        )}
      </Card>
      <Card title="Generate High Card Duel episodes" id="ungar-generate">
        <form className="inline-form" onSubmit={submit} aria-label="Generate episodes">
          <div className="field narrow">
            <label htmlFor={`${id}-count`}>Episodes (1–100)</label>
            <input id={`${id}-count`} inputMode="numeric" value={count} onChange={(e) => setCount(e.target.value)} aria-invalid={countInvalid || undefined} />
          </div>
          <div className="field narrow">
            <label htmlFor={`${id}-seed`}>Seed (optional)</label>
            <input id={`${id}-seed`} inputMode="numeric" value={seed} onChange={(e) => setSeed(e.target.value)} placeholder="random" />
          </div>
          <div className="field checkbox-field">
            <label>
              <input type="checkbox" checked={persist} onChange={(e) => setPersist(e.target.checked)} /> Store as traces
              (otherwise preview only)
            </label>
          </div>
          <button type="submit" className="btn btn-primary" disabled={!installed || generate.isPending || countInvalid}>
            <Icon name="play" /> {generate.isPending ? "Playing…" : "Generate"}
          </button>
          {!installed && !status.isPending ? (
            <p className="field-hint full">Generation needs UNGAR installed on the server.</p>
          ) : null}
          {generate.isError ? (
            <div className="full">
              <InlineError error={generate.error} />
            </div>
          ) : null}
        </form>
        {generate.data ? (
          <div className="generate-result" role="status">
            <p>
              {generate.data.trace_ids.length ? (
                <>
                  Stored <strong>{formatCount(generate.data.created)}</strong> new traces
                  {generate.data.existing ? ` (${formatCount(generate.data.existing)} already stored)` : ""}.{" "}
                  <Link to="/traces?source=ungar">See them in traces</Link> ·{" "}
                  <DownloadLink href="/api/ungar/high-card-duel/export.jsonl">Export JSONL</DownloadLink>
                </>
              ) : (
                "Preview only: nothing was stored."
              )}
            </p>
            {generate.data.preview.map((trace, i) => (
              <div key={i} className="preview-trace">
                <pre className="prose-block">{trace.prompt}</pre>
                <StepList steps={trace.steps} />
                <div className="answer-label">
                  Answer <span className="mono">{trace.final_answer}</span>
                </div>
              </div>
            ))}
          </div>
        ) : null}
      </Card>
    </div>
  );
}
