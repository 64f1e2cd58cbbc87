/**
 * Calls of the account routes (sign-up, codes, local sign-in). They are public: no token.
 * The local identity answers sign-in with a dev token; with Firebase configured the SDK signs
 * in and the server only handles codes and passwords.
 */
import { callJson } from "../../api/client";
import { firebaseConfigured, sessionFromToken, setSession } from "../../auth/session";

export const pendingEmail = {
  get: () => sessionStorage.getItem("career.pending-email") ?? "",
  set: (email: string) => sessionStorage.setItem("career.pending-email", email),
};

export function signUp(email: string, password: string, displayName: string) {
  return callJson("POST", "/api/auth/sign-up", { email, password, display_name: displayName });
}

export function verifyEmail(email: string, code: string) {
  return callJson("POST", "/api/auth/email:verify", { email, code });
}

export function resendCode(email: string, purpose: "EMAIL_REGISTER" | "PASSWORD_RESET") {
  return callJson("POST", "/api/auth/otp:resend", { email, purpose });
}

export function forgotPassword(email: string) {
  return callJson("POST", "/api/auth/password:forgot", { email });
}

export function resetPassword(email: string, code: string, newPassword: string) {
  return callJson("POST", "/api/auth/password:reset", { email, code, new_password: newPassword });
}

export async function signIn(email: string, password: string): Promise<void> {
  if (firebaseConfigured) {
    const fb = await import("../../auth/firebase");
    const user = await fb.firebaseSignIn(email, password);
    setSession({ mode: "firebase", ...user });
    return;
  }
  const answer = await callJson<Record<string, unknown>>("POST", "/api/auth/sign-in", { email, password });
  const token = answer.token ?? answer.id_token ?? answer.access_token;
  if (typeof token !== "string") throw new Error("The sign-in answer carried no token.");
  setSession(sessionFromToken(token));
}
