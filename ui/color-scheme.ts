import { useEffect, useState } from 'preact/hooks';

const DARK = '(prefers-color-scheme: dark)';

/** The scheme the page follows; canvases (the chart) redraw in its colours when it changes. */
export function useColorScheme(): 'light' | 'dark' {
  const query = typeof matchMedia === 'function' ? matchMedia(DARK) : undefined;
  const [dark, setDark] = useState(query?.matches ?? false);
  useEffect(() => {
    if (!query) return;
    const change = () => setDark(query.matches);
    query.addEventListener('change', change);
    return () => query.removeEventListener('change', change);
  }, [query?.media]);
  return dark ? 'dark' : 'light';
}

/** A colour the stylesheet defines (`--accent`…), as canvas drawing needs it spelt out. */
export const cssColor = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();
