import * as Dialog from "@radix-ui/react-dialog";
import { useId, useState, type FormEvent, type ReactNode } from "react";
import styles from "../../components/ConfirmDialog.module.css";

const MIN = 3;
const MAX = 500;

interface Props {
  trigger: ReactNode;
  /** What is discarded, e.g. "the extraction dead letter" or "3 dead letters". */
  what: string;
  onDiscard: (reason: string) => void;
}

/** Discarding closes dead letters for good, so it asks for a reason (kept with the letter). */
export function DiscardDialog({ trigger, what, onDiscard }: Props) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const id = useId();
  const trimmed = reason.trim();
  const valid = trimmed.length >= MIN && trimmed.length <= MAX;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!valid) return;
    onDiscard(trimmed);
    setOpen(false);
    setReason("");
  }

  return (
    <Dialog.Root open={open} onOpenChange={setOpen}>
      <Dialog.Trigger asChild>{trigger}</Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className={styles.overlay} />
        <Dialog.Content className={styles.content}>
          <Dialog.Title>Discard {what}?</Dialog.Title>
          <Dialog.Description>
            A discarded letter is never replayed. It stays on record, with your name, the time and the reason, under the
            “Discarded” status.
          </Dialog.Description>
          <form onSubmit={submit}>
            <label htmlFor={id}>Reason (required)</label>
            <textarea
              id={id}
              required
              minLength={MIN}
              maxLength={MAX}
              rows={3}
              value={reason}
              placeholder="e.g. the source was removed; the document was re-uploaded"
              onChange={(e) => setReason(e.target.value)}
            />
            <div className="row">
              <button type="submit" className="danger" disabled={!valid}>
                Discard
              </button>
              <Dialog.Close asChild>
                <button type="button" className="secondary">
                  Cancel
                </button>
              </Dialog.Close>
            </div>
          </form>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
