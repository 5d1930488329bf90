import { useEffect, useState } from 'preact/hooks';

export interface Where {
  path: string;
  search: string;
}

/**
 * The page's path and query, followed through back/forward. Every view is a URL: navigating to a
 * new page scrolls to the top, to a new view of the same page does not.
 */
export function useLocation(): [Where, (to: string) => void] {
  const [where, setWhere] = useState<Where>({ path: location.pathname, search: location.search });
  useEffect(() => {
    const onPop = () => setWhere({ path: location.pathname, search: location.search });
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const navigate = (to: string) => {
    const url = new URL(to, location.href);
    if (url.pathname + url.search === location.pathname + location.search) return;
    history.pushState(null, '', url.pathname + url.search);
    if (url.pathname !== where.path) window.scrollTo(0, 0);
    setWhere({ path: url.pathname, search: url.search });
  };
  return [where, navigate];
}
