import type { Schemas } from "../../api/types";

export type Entry = Schemas["NotebookEntry"];
export type Status = Schemas["Status"];

export const STATUSES: Status[] = ["saved", "applied", "interviewing", "offer", "accepted", "rejected", "withdrawn"];

const FORWARD: Partial<Record<Status, Status>> = {
  saved: "applied",
  applied: "interviewing",
  interviewing: "offer",
  offer: "accepted",
};

/** The statuses an entry may move to (the server checks the same machine and answers 409). */
export function allowedMoves(current: Status): Status[] {
  const next = FORWARD[current];
  return next ? [next, "rejected", "withdrawn"] : [];
}

export const label = (status: string) => status.charAt(0).toUpperCase() + status.slice(1);
