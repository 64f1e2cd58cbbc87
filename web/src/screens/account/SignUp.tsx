import { useState, type FormEvent } from "react";
import { errorText } from "../../api/client";
import { Field, Notice } from "../../components/Field";
import { Link, navigate } from "../../router";
import { pendingEmail, signUp } from "./auth-api";

export default function SignUp() {
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signUp(email.trim(), password, name.trim());
      pendingEmail.set(email.trim());
      navigate("/verify");
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section>
      <h1>Create your account</h1>
      <form onSubmit={submit}>
        <Field label="Your name" autoComplete="name" required value={name} onChange={(e) => setName(e.target.value)} />
        <Field label="E-mail" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <Field
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          minLength={10}
          hint="At least 10 characters; not your e-mail and not a common password."
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <Notice error={error} />
        <p>
          <button type="submit" disabled={busy}>
            {busy ? "Creating…" : "Create account"}
          </button>
        </p>
      </form>
      <p>
        Already registered? <Link to="/sign-in">Sign in</Link>
      </p>
    </section>
  );
}
