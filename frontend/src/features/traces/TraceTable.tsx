import { Link, useNavigate } from "react-router";
import { TagList, Time } from "../../components/bits";
import type { Schemas } from "../../lib/api";
import { shortId } from "../../lib/format";

type Summary = Schemas["TraceSummary"];

/** A literal mismatch only; the answer_match scorer decides numerically equal answers. */
function differs(trace: Summary): boolean {
  const reference = trace.reference_answer_preview;
  return reference !== null && reference.trim() !== trace.final_answer_preview.trim();
}

export function TraceTable({
  traces,
  selected,
  onToggle,
  onTag,
}: {
  traces: Summary[];
  selected: string[];
  onToggle: (id: string) => void;
  onTag?: (tag: string) => void;
}) {
  const navigate = useNavigate();
  return (
    <div className="table-wrap">
      <table className="table trace-table">
        <caption className="visually-hidden">
          Traces, newest first. Select two to compare them.
        </caption>
        <thead>
          <tr>
            <th scope="col" className="col-select">
              <span className="visually-hidden">Select</span>
            </th>
            <th scope="col">Prompt</th>
            <th scope="col">Final answer</th>
            <th scope="col">Reference</th>
            <th scope="col" className="num">
              Steps
            </th>
            <th scope="col">Source</th>
            <th scope="col">Tags</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {traces.map((trace) => {
            const isSelected = selected.includes(trace.id);
            return (
              <tr
                key={trace.id}
                className={isSelected ? "selected" : undefined}
                aria-selected={isSelected}
                onClick={(event) => {
                  if ((event.target as HTMLElement).closest("a,button,input,label")) return;
                  navigate(`/traces/${trace.id}`);
                }}
              >
                <td className="col-select">
                  <input
                    type="checkbox"
                    checked={isSelected}
                    onChange={() => onToggle(trace.id)}
                    aria-label={`Select trace ${shortId(trace.id)} to compare`}
                  />
                </td>
                <td className="col-prompt">
                  <Link to={`/traces/${trace.id}`} className="row-link">
                    {trace.prompt_preview}
                  </Link>
                </td>
                <td
                  className={`col-answer mono ${differs(trace) ? "answer-differs" : ""}`}
                  title={differs(trace) ? "Differs from the reference answer (as text)" : undefined}
                >
                  {trace.final_answer_preview || <span className="muted">—</span>}
                </td>
                <td className="col-answer mono">
                  {trace.reference_answer_preview ?? <span className="muted">—</span>}
                </td>
                <td className="num">{trace.step_count}</td>
                <td>
                  <span className="source">{trace.source}</span>
                </td>
                <td className="col-tags">
                  <TagList tags={trace.tags} onPick={onTag} />
                </td>
                <td className="col-time">
                  <Time iso={trace.created_at} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
