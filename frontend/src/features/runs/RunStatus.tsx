import { Badge } from "../../components/bits";
import type { RunStatus } from "./queries";

const TONE = {
  queued: "neutral",
  running: "info",
  succeeded: "success",
  failed: "danger",
  cancelled: "warning",
} as const;

export function RunStatusBadge({ status }: { status: RunStatus }) {
  return (
    <Badge tone={TONE[status]}>
      {status === "running" ? <span className="pulse" aria-hidden="true" /> : null}
      {status}
    </Badge>
  );
}
