import { useEffect, useState } from 'react';
import { api, type ConsoleConfig, money, type Order, type TimelineStep, type User } from '../api';
import {
  type DrawnStep,
  drawSaga,
  formatDuration,
  jaegerSearchUrl,
  sagaAsOf,
  sagaInProgress,
  type Service,
} from '../saga';
import { errorText, Notice, StatusBadge } from './Status';

const POLL_MS = 500;
/** After the order ends, how long to keep looking for its email before drawing it as not seen. */
const NOTIFICATION_WAIT_MS = 15_000;
const LANES: Service[] = ['order', 'inventory', 'payment', 'notification'];

interface Seen {
  order: Order;
  timeline: TimelineStep[];
  notifiedAt?: string;
}

/**
 * One order's saga, drawn as steps across the services, filling in live: the order and its
 * timeline are polled every {@link POLL_MS} while it is PENDING, then its email is looked for.
 */
export function SagaExplorer({ orderId, user }: { orderId: string; user?: User }) {
  const [seen, setSeen] = useState<Seen>();
  const [config, setConfig] = useState<ConsoleConfig>({});
  const [error, setError] = useState<string>();
  const [tick, setTick] = useState(0);
  /** Stepping through: how many steps are shown, or undefined for all of them, live. */
  const [asOf, setAsOf] = useState<number>();

  useEffect(() => void api.config().then(setConfig), []);

  useEffect(() => {
    if (!user) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let endedAt: number | undefined;
    const poll = async () => {
      try {
        const [order, timeline] = await Promise.all([api.order(orderId), api.timeline(orderId)]);
        let notifiedAt: string | undefined;
        // Only the owner reads their notifications (API.md): an admin sees the saga without them.
        if (!sagaInProgress(order, timeline) && order.userId === user.id) {
          const type = order.status === 'CONFIRMED' ? 'ORDER_CONFIRMED' : 'ORDER_CANCELLED';
          const notification = (await api.notifications()).data.find(
            (n) => n.orderId === orderId && n.type === type,
          );
          notifiedAt = notification?.createdAt;
        }
        if (stopped) return;
        setSeen({ order, timeline, notifiedAt });
        setError(undefined);
        const moving = sagaInProgress(order, timeline);
        if (!moving) endedAt ??= Date.now();
        const awaitingEmail =
          notifiedAt === undefined &&
          order.userId === user.id &&
          Date.now() - (endedAt ?? 0) < NOTIFICATION_WAIT_MS;
        const waiting = moving || awaitingEmail;
        if (waiting) timer = setTimeout(() => void poll(), POLL_MS);
      } catch (e) {
        if (stopped) return;
        setError(errorText(e));
        timer = setTimeout(() => void poll(), POLL_MS * 4);
      }
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [orderId, user, tick]);

  if (!user)
    return (
      <p>
        <a href="#/account">Log in</a> to see this order.
      </p>
    );
  if (!seen) return <Notice error={error} message="Loading the saga…" />;

  const { order: live, timeline: all, notifiedAt } = seen;
  const total = all.length;
  const stepping = asOf !== undefined && asOf < total;
  const { order, timeline } = stepping ? sagaAsOf(live, all, asOf) : { order: live, timeline: all };
  const drawing = drawSaga(order, timeline, stepping ? undefined : notifiedAt);
  const firstUndo = drawing.steps.findIndex((step) => step.kind !== 'forward');
  const cancel = async () => {
    try {
      await api.cancel(order.id);
      setTick(tick + 1);
    } catch (e) {
      setError(errorText(e));
    }
  };

  return (
    <section aria-labelledby="saga-title">
      <h1 id="saga-title">Saga of order {order.id.slice(0, 8)}</h1>
      <div className="summary" aria-live="polite">
        <StatusBadge status={order.status} />
        {order.status === 'CANCELLED' && order.cancellationReason && (
          <span>
            Cancellation reason: <strong>{order.cancellationReason}</strong>
          </span>
        )}
        <span>{money(order.totalCents, order.currency)}</span>
        {drawing.durationMs !== undefined && (
          <span>Saga took {formatDuration(drawing.durationMs)}</span>
        )}
        {config.jaegerUrl && (
          <a href={jaegerSearchUrl(config.jaegerUrl, order.id)} target="_blank" rel="noreferrer">
            Trace in Jaeger
          </a>
        )}
        {live.status !== 'CANCELLED' && !stepping && order.userId === user.id && (
          <button type="button" onClick={() => void cancel()}>
            Cancel order
          </button>
        )}
      </div>
      <Notice error={error} />
      <div className="toolbar" role="group" aria-label="Step through the saga">
        <button
          type="button"
          disabled={(stepping ? asOf : total) <= 1}
          onClick={() => setAsOf((stepping ? asOf : total) - 1)}
        >
          Previous step
        </button>
        <button
          type="button"
          disabled={!stepping}
          onClick={() => setAsOf(stepping && asOf + 1 < total ? asOf + 1 : undefined)}
        >
          Next step
        </button>
        <button type="button" disabled={!stepping} onClick={() => setAsOf(undefined)}>
          Live
        </button>
        <span aria-live="polite">
          {stepping ? `After step ${asOf} of ${total}` : `All ${total} steps`}
        </span>
      </div>
      <div className="lanes" aria-hidden="true">
        {LANES.map((lane) => (
          <span key={lane}>{lane}</span>
        ))}
      </div>
      <ol className="saga" aria-label="Saga steps">
        {drawing.steps.map((step, index) => (
          <Step
            key={`${step.step}-${index}`}
            step={step}
            // One row per step, time flowing down; the compensation's title takes a row of its own.
            row={index + 1 + (firstUndo !== -1 && index >= firstUndo ? 1 : 0)}
            firstUndo={index === firstUndo}
          />
        ))}
      </ol>
    </section>
  );
}

function Step({ step, row, firstUndo }: { step: DrawnStep; row: number; firstUndo: boolean }) {
  const lane = LANES.indexOf(step.service) + 1;
  return (
    <>
      {firstUndo && (
        <li className="compensation-title" style={{ gridRow: row - 1 }}>
          <h2>Compensation</h2>
        </li>
      )}
      <li
        className={`step step-${step.kind} ${step.at ? 'done' : 'waiting'}`}
        style={{ gridColumn: lane, gridRow: row }}
      >
        <span className="service">{step.service}</span>
        <strong>
          {step.kind === 'compensation' ? '↩ ' : ''}
          {step.label}
        </strong>
        <code>{step.step === 'NOTIFICATION_SENT' ? 'email' : step.step}</code>
        <span className="time">
          {step.sinceStartMs === undefined ? 'waiting…' : `+${formatDuration(step.sinceStartMs)}`}
        </span>
        {step.detail && <span className="detail">{step.detail}</span>}
      </li>
    </>
  );
}
