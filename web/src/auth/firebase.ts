/** Firebase Auth, loaded on demand (dynamic import) and pointed at the emulator when configured. */
import { initializeApp } from "firebase/app";
import {
  connectAuthEmulator,
  getAuth,
  signInWithEmailAndPassword,
  signOut,
  type Auth,
} from "firebase/auth";

let auth: Auth | null = null;

function instance(): Auth {
  if (auth) return auth;
  const env = import.meta.env;
  const app = initializeApp({
    apiKey: env.VITE_FIREBASE_API_KEY,
    authDomain: env.VITE_FIREBASE_AUTH_DOMAIN,
    projectId: env.VITE_FIREBASE_PROJECT_ID,
  });
  auth = getAuth(app);
  if (env.VITE_FIREBASE_AUTH_EMULATOR) {
    connectAuthEmulator(auth, env.VITE_FIREBASE_AUTH_EMULATOR, { disableWarnings: true });
  }
  return auth;
}

export async function firebaseSignIn(email: string, password: string) {
  const credential = await signInWithEmailAndPassword(instance(), email, password);
  const result = await credential.user.getIdTokenResult();
  return {
    uid: credential.user.uid,
    email: credential.user.email,
    role: result.claims.role === "operator" ? ("operator" as const) : ("user" as const),
  };
}

export async function firebaseIdToken(): Promise<string | null> {
  const current = instance();
  await current.authStateReady(); // a reload restores the user asynchronously
  const user = current.currentUser;
  return user ? user.getIdToken() : null;
}

export async function firebaseSignOut(): Promise<void> {
  await signOut(instance());
}
