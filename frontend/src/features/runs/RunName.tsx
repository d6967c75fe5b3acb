import { shortId } from "../../lib/format";
import { useRun } from "./queries";

/** A run as people know it: its name, else "run" and the short id (the one short-id rule). */
export function RunName({ id }: { id: string }) {
  const run = useRun(id);
  return <>{run.data?.name ?? `run ${shortId(id)}`}</>;
}
