import { useState, type FormEvent } from "react";
import { errorText } from "../../api/client";
import { Field, Notice } from "../../components/Field";
import { navigate } from "../../router";
import { pendingEmail, resetPassword } from "./auth-api";

export default function Reset() {
  const [email, setEmail] = useState(pendingEmail.get());
  const [code, setCode] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      await resetPassword(email.trim(), code.trim(), password);
      navigate("/sign-in");
    } catch (err) {
      setError(errorText(err));
    }
  }

  return (
    <section>
      <h1>Set a new password</h1>
      <form onSubmit={submit}>
        <Field label="E-mail" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <Field
          label="Code"
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9]{6}"
          maxLength={6}
          required
          value={code}
          onChange={(e) => setCode(e.target.value)}
        />
        <Field
          label="New password"
          type="password"
          autoComplete="new-password"
          minLength={10}
          required
          hint="Signing in with the new password ends every other session."
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <Notice error={error} />
        <p>
          <button type="submit">Set password</button>
        </p>
      </form>
    </section>
  );
}
