/**
 * Calls of the account routes (sign-up, codes, local sign-in). They are public: no token.
 * The local identity answers sign-in with a dev token; with Firebase configured the SDK signs
 * in and the server only handles codes and passwords.
 */
import { api, unwrap } from "../../api/client";
import { firebaseConfigured, sessionFromToken, setSession } from "../../auth/session";

export const pendingEmail = {
  get: () => sessionStorage.getItem("career.pending-email") ?? "",
  set: (email: string) => sessionStorage.setItem("career.pending-email", email),
};

export async function signUp(email: string, password: string, displayName: string) {
  return unwrap(await api.POST("/auth/sign-up", { body: { email, password, display_name: displayName || null } }));
}

export async function verifyEmail(email: string, code: string) {
  return unwrap(await api.POST("/auth/email:verify", { body: { email, code } }));
}

export async function resendCode(email: string, purpose: "EMAIL_REGISTER" | "PASSWORD_RESET") {
  return unwrap(await api.POST("/auth/otp:resend", { body: { email, purpose } }));
}

export async function forgotPassword(email: string) {
  return unwrap(await api.POST("/auth/password:forgot", { body: { email } }));
}

export async function resetPassword(email: string, code: string, newPassword: string) {
  return unwrap(await api.POST("/auth/password:reset", { body: { email, code, new_password: newPassword } }));
}

export async function signIn(email: string, password: string): Promise<void> {
  if (firebaseConfigured) {
    const fb = await import("../../auth/firebase");
    const user = await fb.firebaseSignIn(email, password);
    setSession({ mode: "firebase", ...user });
    return;
  }
  const answer = unwrap(await api.POST("/auth/sign-in", { body: { email, password } }));
  setSession(sessionFromToken(answer.id_token));
}
