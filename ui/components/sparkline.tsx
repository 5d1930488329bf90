const WIDTH = 84;
const HEIGHT = 22;

/** Daily clicks as a small line, with the figures in its label for those who cannot see it. */
export function Sparkline({ clicks, label }: { clicks: number[]; label: string }) {
  const top = Math.max(1, ...clicks);
  const step = clicks.length > 1 ? WIDTH / (clicks.length - 1) : 0;
  const points = clicks.map((n, i) => `${(i * step).toFixed(1)},${(HEIGHT - 1 - (n / top) * (HEIGHT - 2)).toFixed(1)}`).join(' ');
  return (
    <svg class="sparkline" width={WIDTH} height={HEIGHT} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`${label}: ${clicks.join(', ')}`}>
      <title>{`${label}: ${clicks.join(', ')}`}</title>
      <polyline points={points} fill="none" />
    </svg>
  );
}
