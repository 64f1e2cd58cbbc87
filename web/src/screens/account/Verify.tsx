import { useState, type FormEvent } from "react";
import { errorText } from "../../api/client";
import { Field, Notice } from "../../components/Field";
import { navigate } from "../../router";
import { pendingEmail, resendCode, verifyEmail } from "./auth-api";

export default function Verify() {
  const [email, setEmail] = useState(pendingEmail.get());
  const [code, setCode] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [ok, setOk] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await verifyEmail(email.trim(), code.trim());
      pendingEmail.set(email.trim());
      navigate("/sign-in");
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  async function resend() {
    setError(null);
    try {
      await resendCode(email.trim(), "EMAIL_REGISTER");
      setOk("A new code is on its way. The previous one no longer works.");
    } catch (err) {
      setError(errorText(err));
    }
  }

  return (
    <section>
      <h1>Verify your e-mail</h1>
      <p>We sent a 6-digit code to your e-mail. It is valid for 10 minutes.</p>
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
        <Notice error={error} ok={ok} />
        <p className="row">
          <button type="submit" disabled={busy}>
            Verify
          </button>
          <button type="button" className="secondary" onClick={resend}>
            Send a new code
          </button>
        </p>
      </form>
    </section>
  );
}
