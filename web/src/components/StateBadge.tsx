const TONE: Record<string, string> = {
  EXTRACTED: "ok",
  COMPLETED: "ok",
  FAILED: "bad",
  REJECTED: "bad",
  dead: "bad",
  replayed: "ok",
  discarded: "info",
  PENDING_UPLOAD: "info",
  UPLOADED: "info",
  EXTRACTING: "warn",
  RUNNING: "warn",
  PENDING: "info",
};

/** A state as text with a colour, never colour alone. */
export function StateBadge({ state }: { state: string }) {
  return (
    <span className="badge" data-tone={TONE[state] ?? "info"}>
      {state.replace(/_/g, " ").toLowerCase()}
    </span>
  );
}
