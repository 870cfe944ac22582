/// <reference lib="dom" />
import { useEffect, useState } from 'react';

const current = () => location.hash.replace(/^#\/?/, '').split('?')[0] || 'dashboard';

let navigated = false;
/**
 * Whether the admin has moved between views since the page loaded: only then does a view's title
 * take focus, so a fresh page starts at the top (skip link first) as any page does.
 */
export const hasNavigated = () => navigated;

/** The view named in the URL's hash (`#/rules`), following back and forward. */
export function useHashRoute(): string {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const onChange = () => {
      navigated = true;
      setRoute(current());
    };
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

/** Opens a view, optionally handing it something to show (a draft rule set, for example). */
export function navigate(route: string): void {
  location.hash = `#/${route}`;
}
