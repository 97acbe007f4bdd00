import type { OrderStatus } from '../api';

/** An order's status as a badge: the word itself, never a colour alone. */
export function StatusBadge({ status }: { status: OrderStatus }) {
  return <span className={`badge badge-${status.toLowerCase()}`}>{status}</span>;
}

/** An error or a confirmation, announced to screen readers. */
export function Notice({ error, message }: { error?: string; message?: string }) {
  if (error)
    return (
      <p role="alert" className="notice error">
        {error}
      </p>
    );
  if (message)
    return (
      <p role="status" className="notice">
        {message}
      </p>
    );
  return null;
}

export const errorText = (error: unknown) =>
  error instanceof Error ? error.message : String(error);
