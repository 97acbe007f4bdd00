import { useState } from 'react';
import { api, money, type Order, type User } from '../api';
import { errorText, Notice, StatusBadge } from './Status';
import { useList } from './useList';

/** The signed-in customer's orders, newest first, each with its saga and a cancel button. */
export function Orders({ user }: { user?: User }) {
  const {
    items: orders,
    error,
    setError,
  } = useList(() => (user ? api.orders({ limit: 50 }) : undefined), [user]);
  const [message, setMessage] = useState<string>();

  if (!user)
    return (
      <p>
        <a href="#/account">Log in</a> to see your orders.
      </p>
    );

  const cancel = async (order: Order) => {
    setError(undefined);
    try {
      await api.cancel(order.id);
      setMessage(`Cancellation of order ${order.id.slice(0, 8)} requested.`);
      window.location.hash = `#/orders/${order.id}`;
    } catch (e) {
      setError(errorText(e));
    }
  };

  return (
    <section aria-labelledby="orders-title">
      <h1 id="orders-title">{user.role === 'admin' ? 'All orders' : 'My orders'}</h1>
      <Notice error={error} message={message} />
      {orders.length === 0 && <p className="muted">No orders yet.</p>}
      <div className="scroll">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Order</th>
              <th scope="col">Placed</th>
              <th scope="col">Total</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {orders.map((order) => (
              <tr key={order.id}>
                <td>
                  <a href={`#/orders/${order.id}`}>{order.id.slice(0, 8)}</a>
                </td>
                <td>{new Date(order.createdAt).toLocaleString()}</td>
                <td>{money(order.totalCents, order.currency)}</td>
                <td>
                  <StatusBadge status={order.status} /> {order.cancellationReason}
                </td>
                <td>
                  {order.status !== 'CANCELLED' && (
                    <button
                      type="button"
                      onClick={() => void cancel(order)}
                      aria-label={`Cancel order ${order.id.slice(0, 8)}`}
                    >
                      Cancel
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
