import * as Dialog from "@radix-ui/react-dialog";
import type { ReactNode } from "react";
import styles from "./ConfirmDialog.module.css";

interface Props {
  trigger: ReactNode;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  danger?: boolean;
  confirmDisabled?: boolean;
}

/** A modal confirmation (focus trapped, Escape closes) built on Radix Dialog. */
export function ConfirmDialog({ trigger, title, children, confirmLabel, onConfirm, danger, confirmDisabled }: Props) {
  return (
    <Dialog.Root>
      <Dialog.Trigger asChild>{trigger}</Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className={styles.overlay} />
        <Dialog.Content className={styles.content}>
          <Dialog.Title>{title}</Dialog.Title>
          <Dialog.Description asChild>
            <div>{children}</div>
          </Dialog.Description>
          <div className="row">
            <Dialog.Close asChild>
              <button type="button" className={danger ? "danger" : undefined} disabled={confirmDisabled} onClick={onConfirm}>
                {confirmLabel}
              </button>
            </Dialog.Close>
            <Dialog.Close asChild>
              <button type="button" className="secondary">
                Cancel
              </button>
            </Dialog.Close>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
