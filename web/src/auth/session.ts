/**
 * The signed-in session. Locally the identity is a dev token from `POST /api/auth/sign-in`;
 * with a Firebase config (VITE_FIREBASE_API_KEY) it is a Firebase ID token, refreshed by the
 * SDK, which is loaded only when someone signs in so it stays out of the initial bundle.
 */
import { useSyncExternalStore } from "react";

export interface Session {
  mode: "local" | "firebase";
  uid: string;
  email: string | null;
  role: "user" | "operator";
  token?: string; // local mode only; Firebase keeps its own
}

const KEY = "career.session";
const listeners = new Set<() => void>();
let session: Session | null = read();

function read(): Session | null {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export const firebaseConfigured = Boolean(import.meta.env.VITE_FIREBASE_API_KEY);

export function setSession(next: Session | null): void {
  session = next;
  if (next) localStorage.setItem(KEY, JSON.stringify(next));
  else localStorage.removeItem(KEY);
  listeners.forEach((listener) => listener());
}

export function getSession(): Session | null {
  return session;
}

export function signOut(): void {
  if (session?.mode === "firebase") {
    void import("./firebase").then((fb) => fb.firebaseSignOut());
  }
  setSession(null);
}

export async function currentToken(): Promise<string | null> {
  if (!session) return null;
  if (session.mode === "local") return session.token ?? null;
  const fb = await import("./firebase");
  return fb.firebaseIdToken();
}

/** Claims of a JWT payload (display only: the server verifies every token). */
export function claimsOf(token: string): Record<string, unknown> {
  const part = token.split(".")[1] ?? "";
  try {
    const json = atob(part.replace(/-/g, "+").replace(/_/g, "/"));
    return JSON.parse(json) as Record<string, unknown>;
  } catch {
    return {};
  }
}

export function sessionFromToken(token: string): Session {
  const claims = claimsOf(token);
  return {
    mode: "local",
    token,
    uid: String(claims.uid ?? claims.sub ?? claims.user_id ?? ""),
    email: typeof claims.email === "string" ? claims.email : null,
    role: claims.role === "operator" ? "operator" : "user",
  };
}

export function useSession(): Session | null {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => session,
  );
}
