import { useEffect, useState } from 'preact/hooks';
import type { KeyCount } from '../api.js';
import { countryLabel, formatNumber, formatShare, plural } from '../format.js';
import type { CountryShape, WorldShapes } from '../map/world-shapes.js';

const LEVELS = 5;

// The shapes are a chunk of their own, fetched the first time a map is drawn; once there, a map
// of the next view draws at once.
let shapes: Promise<WorldShapes> | undefined;
let loaded: WorldShapes | undefined;
function loadShapes(): Promise<WorldShapes> {
  shapes ??= import('../map/world-shapes.js').then((m) => (loaded = m.worldShapes())).catch((error: unknown) => {
    shapes = undefined;
    throw error;
  });
  return shapes;
}

/** A colour step from 1 to LEVELS; logarithmic, as a few countries usually have most clicks. */
const levelOf = (clicks: number, max: number) => Math.max(1, Math.ceil((LEVELS * Math.log1p(clicks)) / Math.log1p(max)));

interface WorldMapProps {
  /** Clicks per country (alpha-2), every country of the view. */
  rows: KeyCount[];
  /** All clicks of the report: each country's share of it. */
  total: number;
  /** The country filtered on, if any. */
  active: string | undefined;
  onPick: (code: string) => void;
}

/**
 * Clicks per country as a choropleth. A country with clicks is a button (Tab reaches it, most
 * clicks first; Enter or Space filters on it, as its row does); pointer or focus names it and its count.
 */
export function WorldMap({ rows, total, active, onPick }: WorldMapProps) {
  const [world, setWorld] = useState<WorldShapes | 'failed' | null>(loaded ?? null);
  const [pointed, setPointed] = useState<string | null>(null);
  useEffect(() => { if (!loaded) loadShapes().then(setWorld, () => setWorld('failed')); }, []);

  if (world === 'failed') return <p class="muted">The map could not be loaded.</p>;
  if (world === null) return <div class="world-map loading" aria-busy="true" />;

  const clicks = new Map(rows.flatMap((r) => (r.key === null ? [] : [[r.key, r.clicks] as const])));
  const max = Math.max(1, ...clicks.values());
  const counted = (shape: CountryShape) => clicks.get(shape.code) ?? 0;
  const quiet = world.countries.filter((s) => counted(s) === 0);
  const busy = world.countries.filter((s) => counted(s) > 0).sort((a, b) => counted(b) - counted(a));
  const describe = (shape: CountryShape) => {
    const n = counted(shape);
    const name = countryLabel(shape.code);
    return `${name === shape.code ? `${shape.name} (${shape.code})` : name}: ${n === 0 ? 'no clicks' : `${formatNumber(n)} ${plural(n, 'click')} (${formatShare(n, total)})`}`;
  };
  const highlighted = world.countries.find((s) => s.code === pointed);
  const point = (code: string | null) => () => setPointed(code);

  return (
    <figure class="world-map" data-testid="world-map">
      <svg viewBox={`0 0 ${world.width} ${world.height}`} role="group" aria-label="Clicks by country">
        <defs><clipPath id="world-map-globe"><path d={world.outline} /></clipPath></defs>
        <g clip-path="url(#world-map-globe)">
          {quiet.map((shape) => (
            <path key={shape.code} class="country" d={shape.d} data-code={shape.code} data-clicks="0" onPointerEnter={point(shape.code)} onPointerLeave={point(null)} />
          ))}
          {busy.map((shape) => (
            <path
              key={shape.code}
              class={`country level-${levelOf(counted(shape), max)}${active === shape.code ? ' active' : ''}`}
              d={shape.d}
              data-code={shape.code}
              data-clicks={counted(shape)}
              tabIndex={0}
              role="button"
              aria-label={describe(shape)}
              aria-pressed={active === shape.code}
              onClick={() => onPick(shape.code)}
              onKeyDown={(e) => {
                if (e.key !== 'Enter' && e.key !== ' ') return;
                e.preventDefault();
                onPick(shape.code);
              }}
              onPointerEnter={point(shape.code)}
              onPointerLeave={point(null)}
              onFocus={point(shape.code)}
              onBlur={point(null)}
            />
          ))}
          {/* Drawn last, so its outline is not hidden under its neighbours'. */}
          {highlighted && <path class={active === highlighted.code ? 'outline active' : 'outline'} d={highlighted.d} aria-hidden="true" />}
        </g>
      </svg>
      <figcaption>
        <span class="pointed" data-testid="map-pointed">{highlighted ? describe(highlighted) : 'Point at or tab to a country'}</span>
        <span class="legend" aria-hidden="true">
          {formatNumber(1)}
          {Array.from({ length: LEVELS }, (_, i) => <span key={i} class={`swatch level-${i + 1}`} />)}
          {formatNumber(max)}
        </span>
      </figcaption>
    </figure>
  );
}
