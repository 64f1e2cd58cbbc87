import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../api/client";
import type { JourneyStep } from "../api/types";
import { Link } from "../router";
import styles from "./JourneyHeader.module.css";

/** Where each journey step is handled in the app. */
export const STEP_ROUTES: Record<string, string> = {
  account: "/settings",
  profile_inputs: "/inputs",
  documents: "/documents",
  career_profile: "/profile",
  matching: "/matches",
  notebook: "/notebook",
};

const STATE_LABEL: Record<string, string> = {
  not_started: "not started",
  in_progress: "running",
  done: "done",
  failed: "failed",
  blocked: "waiting",
};

const STATE_MARK: Record<string, string> = {
  not_started: "○",
  in_progress: "◔",
  done: "✓",
  failed: "!",
  blocked: "–",
};

export function useJourney() {
  return useQuery({
    queryKey: ["journey"],
    queryFn: async () => unwrap(await api.GET("/journey")),
    // Poll while something runs, so the header follows extraction and matching as they happen.
    refetchInterval: (query) =>
      query.state.data?.steps.some((s) => s.state === "in_progress") ? 2_000 : 15_000,
  });
}

export function JourneyHeader() {
  const { data, error } = useJourney();
  if (error) return null;
  if (!data) return <div className={styles.journey} aria-hidden="true" />;
  const failed = data.steps.find((s) => s.state === "failed");
  const running = data.steps.filter((s) => s.state === "in_progress");
  return (
    <nav aria-label="Your journey" className={styles.journey}>
      <ol>
        {data.steps.map((step) => (
          <li key={step.key} data-state={step.state} aria-current={data.current_step === step.key ? "step" : undefined}>
            <Link to={STEP_ROUTES[step.key] ?? "/"}>
              <span aria-hidden="true" className={styles.mark}>
                {STATE_MARK[step.state] ?? "?"}
              </span>
              {step.title}
              <span className={styles.state}>{STATE_LABEL[step.state] ?? step.state}</span>
            </Link>
          </li>
        ))}
      </ol>
      <p className={styles.status} role="status">
        {failed ? (
          <>
            <strong>{failed.title} failed</strong>
            {failed.failure_class ? ` (${failed.failure_class})` : ""}. {nextAction(failed)}{" "}
            <Link to={STEP_ROUTES[failed.key] ?? "/"}>Fix it</Link>
          </>
        ) : running.length > 0 ? (
          <>Running: {running.map((s) => s.title).join(", ")}…</>
        ) : (
          nextStepText(data.steps, data.current_step)
        )}
      </p>
    </nav>
  );
}

function nextAction(step: JourneyStep): string {
  switch (step.failure_class) {
    case "PDF_ENCRYPTED":
      return "Upload a copy without a password.";
    case "PDF_NO_TEXT":
      return "The PDF has no text layer (a scan?): upload a text PDF.";
    case "PDF_CORRUPT":
      return "The file is damaged: upload another copy.";
    case "FILE_TOO_LARGE":
    case "TOO_MANY_PAGES":
      return "Upload a shorter CV.";
    default:
      return "Try again, or upload another file.";
  }
}

function nextStepText(steps: JourneyStep[], current: string | null): string {
  const step = steps.find((s) => s.key === current);
  if (!step) return "All steps done.";
  return `Next: ${step.title}.`;
}
