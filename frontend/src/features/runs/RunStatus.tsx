import { Badge } from "../../components/bits";
import type { Run, RunStatus } from "./queries";

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

/** SFT or GRPO, as a label. */
export function RunKindBadge({ kind }: { kind: Run["kind"] }) {
  return (
    <Badge tone={kind === "grpo" ? "accent" : "neutral"} title={kind === "grpo" ? "Reinforcement learning (GRPO)" : "Supervised fine-tuning"}>
      {kind.toUpperCase()}
    </Badge>
  );
}
