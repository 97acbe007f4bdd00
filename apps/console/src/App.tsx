import { useCallback, useEffect, useState } from 'react';
import { api, storedToken, type User } from './api';
import { Account } from './pages/Account';
import { Catalog, type Cart } from './pages/Catalog';
import { Operator } from './pages/Operator';
import { Orders } from './pages/Orders';
import { SagaExplorer } from './pages/SagaExplorer';

/** `#/`, `#/account`, `#/orders`, `#/orders/<id>`, `#/operator`: hash routes, so any path under /console/ serves the app. */
function useHashRoute(): string[] {
  const read = () => window.location.hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const onChange = () => setRoute(read());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

export function App() {
  const route = useHashRoute();
  const [user, setUser] = useState<User>();
  const [cart, setCart] = useState<Cart>({});

  const refreshUser = useCallback(async () => {
    setUser(storedToken() ? await api.me().catch(() => undefined) : undefined);
  }, []);
  useEffect(() => void refreshUser(), [refreshUser]);

  const logout = () => {
    api.logout();
    setUser(undefined);
    window.location.hash = '#/';
  };

  const [page, id] = route;
  let content;
  if (page === 'account') content = <Account onSignedIn={refreshUser} />;
  else if (page === 'orders' && id) content = <SagaExplorer orderId={id} user={user} />;
  else if (page === 'orders') content = <Orders user={user} />;
  else if (page === 'operator') content = <Operator user={user} />;
  else content = <Catalog user={user} cart={cart} setCart={setCart} />;

  return (
    <>
      <header className="top">
        <a className="brand" href="#/">
          Ecommerce console
        </a>
        <nav aria-label="Main">
          <a href="#/" aria-current={page === undefined ? 'page' : undefined}>
            Catalog
          </a>
          <a href="#/orders" aria-current={page === 'orders' ? 'page' : undefined}>
            My orders
          </a>
          {user?.role === 'admin' && (
            <a href="#/operator" aria-current={page === 'operator' ? 'page' : undefined}>
              Operator
            </a>
          )}
          {user ? (
            <button type="button" className="link" onClick={logout}>
              Log out {user.name}
            </button>
          ) : (
            <a href="#/account" aria-current={page === 'account' ? 'page' : undefined}>
              Log in
            </a>
          )}
        </nav>
      </header>
      <main>{content}</main>
    </>
  );
}
