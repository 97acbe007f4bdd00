import { type DependencyList, useCallback, useEffect, useState } from 'react';
import type { Page } from '../api';
import { errorText } from './Status';

/**
 * The items of one page of an API list, fetched when the view mounts, again whenever `deps`
 * change (as `useEffect`'s), and on `reload`: what every list in the console does. A failed
 * fetch keeps the items as they were and sets `error`. `fetchPage` returning undefined fetches
 * nothing (no one signed in).
 */
export function useList<T>(fetchPage: () => Promise<Page<T>> | undefined, deps: DependencyList) {
  const [items, setItems] = useState<T[]>([]);
  const [error, setError] = useState<string>();
  // The caller's deps, as with useEffect: fetchPage is a new function on every render.
  const reload = useCallback(() => {
    fetchPage()?.then(
      (page) => setItems(page.data),
      (e: unknown) => setError(errorText(e)),
    );
  }, deps);
  useEffect(reload, [reload]);
  return { items, setItems, error, setError, reload };
}
