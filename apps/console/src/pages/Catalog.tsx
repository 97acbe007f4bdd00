import { useState } from 'react';
import { api, money, PAYMENT_METHODS, type Product, type User } from '../api';
import { errorText, Notice } from './Status';
import { useList } from './useList';

/** Product id → quantity. */
export type Cart = Record<string, number>;

/** The catalog, the cart beside it, and the checkout with a test payment method. */
export function Catalog({
  user,
  cart,
  setCart,
}: {
  user?: User;
  cart: Cart;
  setCart: (cart: Cart) => void;
}) {
  const { items: products, error, setError } = useList(() => api.products(), []);
  const [method, setMethod] = useState<string>(PAYMENT_METHODS[0].id);
  const [busy, setBusy] = useState(false);

  const add = (id: string) => setCart({ ...cart, [id]: Math.min(100, (cart[id] ?? 0) + 1) });
  const remove = (id: string) => {
    const { [id]: _removed, ...rest } = cart;
    setCart(rest);
  };
  const lines = Object.entries(cart)
    .map(([id, quantity]) => ({ product: products.find((p) => p.id === id), quantity }))
    .filter((line): line is { product: Product; quantity: number } => line.product !== undefined);
  const total = lines.reduce(
    (sum, { product, quantity }) => sum + product.priceCents * quantity,
    0,
  );

  const placeOrder = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const order = await api.placeOrder(
        lines.map(({ product, quantity }) => ({ productId: product.id, quantity })),
        method,
      );
      setCart({});
      window.location.hash = `#/orders/${order.id}`;
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="columns">
      <section aria-labelledby="catalog-title">
        <h1 id="catalog-title">Catalog</h1>
        <ul className="cards" aria-label="Products">
          {products.map((product) => (
            <li key={product.id} className="card">
              <h2>{product.name}</h2>
              <p className="muted">{product.description}</p>
              <p>
                <strong>{money(product.priceCents, product.currency)}</strong> · {product.available}{' '}
                in stock
              </p>
              <button
                type="button"
                onClick={() => add(product.id)}
                disabled={product.available < 1}
              >
                Add<span className="sr-only"> {product.name}</span> to cart
              </button>
            </li>
          ))}
        </ul>
      </section>
      <aside aria-labelledby="cart-title" className="cart">
        <h2 id="cart-title">Cart</h2>
        {lines.length === 0 ? (
          <p className="muted">Your cart is empty.</p>
        ) : (
          <>
            <ul aria-label="Cart lines">
              {lines.map(({ product, quantity }) => (
                <li key={product.id}>
                  {quantity} × {product.name}{' '}
                  <button
                    type="button"
                    className="link"
                    onClick={() => remove(product.id)}
                    aria-label={`Remove ${product.name}`}
                  >
                    remove
                  </button>
                </li>
              ))}
            </ul>
            <p>
              Total <strong>{money(total, lines[0].product.currency)}</strong>
            </p>
            <label>
              Payment method
              <select value={method} onChange={(e) => setMethod(e.target.value)}>
                {PAYMENT_METHODS.map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.label} ({m.id})
                  </option>
                ))}
              </select>
            </label>
            {user ? (
              <button type="button" onClick={() => void placeOrder()} disabled={busy}>
                Place order
              </button>
            ) : (
              <p>
                <a href="#/account">Log in</a> to place your order.
              </p>
            )}
          </>
        )}
        <Notice error={error} />
      </aside>
    </div>
  );
}
