/// <reference lib="dom" />
import { useEffect, useState } from 'react';

const current = () => location.hash.replace(/^#\/?/, '').split('?')[0] || 'dashboard';

/** The view named in the URL's hash (`#/rules`), following back and forward. */
export function useHashRoute(): string {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const onChange = () => setRoute(current());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

/** Opens a view, optionally handing it something to show (a draft rule set, for example). */
export function navigate(route: string): void {
  location.hash = `#/${route}`;
}
