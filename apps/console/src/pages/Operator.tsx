import { type FormEvent, useState } from 'react';
import {
  api,
  type DeadLetter,
  type Order,
  type OrderStatus,
  type Product,
  type User,
} from '../api';
import { formatDuration } from '../saga';
import { errorText, Notice, StatusBadge } from './Status';
import { useList } from './useList';

/** A PENDING saga older than this is drawn as stuck; a finished one that took longer, as slow. */
const SLOW_MS = 5_000;

/** For admins: recent sagas by state, dead letters, stock. Every action is an admin route of the API. */
export function Operator({ user }: { user?: User }) {
  if (user?.role !== 'admin') return <p role="alert">The operator view is for admins.</p>;
  return (
    <>
      <h1>Operator</h1>
      <Sagas />
      <DeadLetters />
      <Stock />
    </>
  );
}

function Sagas() {
  const [status, setStatus] = useState<OrderStatus | ''>('');
  const {
    items: orders,
    error,
    reload,
  } = useList(() => api.orders({ limit: 100, ...(status ? { status } : {}) }), [status]);

  const now = Date.now();
  const durationOf = (order: Order) =>
    (order.status === 'PENDING' ? now : Date.parse(order.updatedAt)) - Date.parse(order.createdAt);
  const counts = orders.reduce<Record<string, number>>(
    (all, order) => ({ ...all, [order.status]: (all[order.status] ?? 0) + 1 }),
    {},
  );
  const slow = orders.filter((order) => durationOf(order) > SLOW_MS);

  return (
    <section aria-labelledby="sagas-title" className="panel">
      <h2 id="sagas-title">Recent sagas</h2>
      <div className="toolbar">
        <label>
          State
          <select value={status} onChange={(e) => setStatus(e.target.value as OrderStatus | '')}>
            <option value="">all</option>
            <option>PENDING</option>
            <option>CONFIRMED</option>
            <option>CANCELLED</option>
          </select>
        </label>
        <button type="button" onClick={reload}>
          Refresh
        </button>
        <span>
          {Object.entries(counts)
            .map(([state, count]) => `${count} ${state}`)
            .join(' · ') || 'none'}
        </span>
      </div>
      <Notice error={error} />
      {slow.length > 0 && (
        <p role="status" className="notice error">
          {slow.length} stuck or slow (over {formatDuration(SLOW_MS)}):{' '}
          {slow.map((order) => order.id.slice(0, 8)).join(', ')}
        </p>
      )}
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Order</th>
            <th scope="col">State</th>
            <th scope="col">Duration</th>
          </tr>
        </thead>
        <tbody>
          {orders.map((order) => (
            <tr key={order.id} className={durationOf(order) > SLOW_MS ? 'slow' : undefined}>
              <td>
                <a href={`#/orders/${order.id}`}>{order.id.slice(0, 8)}</a>
              </td>
              <td>
                <StatusBadge status={order.status} /> {order.cancellationReason}
              </td>
              <td>
                {formatDuration(durationOf(order))}
                {order.status === 'PENDING' ? ' so far' : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function DeadLetters() {
  const [shown, setShown] = useState<DeadLetter>();
  const [message, setMessage] = useState<string>();
  const [status, setStatus] = useState<DeadLetter['status'] | ''>('WAITING');
  const {
    items: letters,
    error,
    setError,
    reload,
  } = useList(() => api.deadLetters(status ? { status } : {}), [status]);

  const act = async (run: () => Promise<DeadLetter>, done: string) => {
    setError(undefined);
    try {
      const letter = await run();
      setMessage(`${done}: ${letter.id} is ${letter.status}`);
      setShown(undefined);
      reload();
    } catch (e) {
      setError(errorText(e));
    }
  };
  const discard = (letter: DeadLetter) => (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const reason = String(new FormData(event.currentTarget).get('reason'));
    void act(() => api.discard(letter.id, reason), 'Discarded');
  };

  return (
    <section aria-labelledby="dead-letters-title" className="panel">
      <h2 id="dead-letters-title">Dead letters</h2>
      <div className="toolbar">
        <label>
          Status
          <select
            value={status}
            onChange={(e) => setStatus(e.target.value as DeadLetter['status'] | '')}
          >
            <option>WAITING</option>
            <option>REPLAYED</option>
            <option>DISCARDED</option>
            <option value="">all</option>
          </select>
        </label>
        <button type="button" onClick={reload}>
          Refresh
        </button>
      </div>
      <Notice error={error} message={message} />
      {letters.length === 0 && <p className="muted">No dead letters.</p>}
      <ul className="letters" aria-label="Dead letters">
        {letters.map((letter) => (
          <li key={letter.id} className="card">
            <p>
              <strong>{letter.service}</strong> · <code>{letter.topic}</code> · {letter.status} ·{' '}
              {letter.replays} replays
            </p>
            <p className="muted">
              {new Date(letter.failedAt).toLocaleString()}: {letter.error}
            </p>
            <div className="toolbar">
              <button
                type="button"
                onClick={() =>
                  void api
                    .deadLetter(letter.id)
                    .then(setShown, (e: unknown) => setError(errorText(e)))
                }
              >
                Show <span className="sr-only">{letter.id}</span>
              </button>
              {letter.status === 'WAITING' && (
                <button
                  type="button"
                  onClick={() => void act(() => api.replay(letter.id), 'Replayed')}
                >
                  Replay <span className="sr-only">{letter.id}</span>
                </button>
              )}
            </div>
            {letter.status === 'WAITING' && (
              <form onSubmit={discard(letter)} className="toolbar">
                <label>
                  Reason
                  <input name="reason" required maxLength={500} />
                </label>
                <button type="submit">
                  Discard <span className="sr-only">{letter.id}</span>
                </button>
              </form>
            )}
            {shown?.id === letter.id && (
              <pre aria-label={`Dead letter ${letter.id}`}>
                {JSON.stringify({ headers: shown.headers, value: shown.value }, null, 2)}
              </pre>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Stock() {
  const {
    items: products,
    setItems: setProducts,
    error,
    setError,
  } = useList(() => api.products(1, 100), []);

  const restock = (product: Product) => async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const quantity = Number(new FormData(event.currentTarget).get('quantity'));
    try {
      const updated = await api.restock(product.id, quantity);
      setProducts(products.map((p) => (p.id === updated.id ? updated : p)));
    } catch (e) {
      setError(errorText(e));
    }
  };

  return (
    <section aria-labelledby="stock-title" className="panel">
      <h2 id="stock-title">Stock</h2>
      <Notice error={error} />
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Product</th>
            <th scope="col">Available</th>
            <th scope="col">Restock</th>
          </tr>
        </thead>
        <tbody>
          {products.map((product) => (
            <tr key={product.id} className={product.available < 5 ? 'slow' : undefined}>
              <td>
                {product.name} <code>{product.sku}</code>
              </td>
              <td>{product.available}</td>
              <td>
                <form onSubmit={(e) => void restock(product)(e)} className="toolbar">
                  <label>
                    <span className="sr-only">Quantity of {product.name}</span>
                    <input
                      name="quantity"
                      type="number"
                      min={1}
                      max={1_000_000}
                      defaultValue={10}
                      required
                    />
                  </label>
                  <button type="submit">
                    Restock <span className="sr-only">{product.name}</span>
                  </button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
