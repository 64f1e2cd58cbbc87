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
  switch (step.next_action) {
    case "retry":
      return "It failed on our side: retry it.";
    case "unlock":
      return "The PDF is protected by a password: give it to unlock the file.";
    case "upload_another":
      return "This file cannot be used: upload another one.";
    case "wait":
      return "A limit was reached: try again later.";
    case "contact_support":
      return "Operators have been told; retrying will not fix it.";
    default:
      return "Try again, or upload another file.";
  }
}

function nextStepText(steps: JourneyStep[], current: string | null): string {
  const step = steps.find((s) => s.key === current);
  if (!step) return "All steps done.";
  return `Next: ${step.title}.`;
}
