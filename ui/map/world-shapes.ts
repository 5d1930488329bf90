/**
 * The world's countries as SVG paths (Natural Earth projection), built from world-atlas's 1:110m
 * TopoJSON. Loaded on demand (a chunk of its own): only a report's country breakdown needs it.
 */
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import codes from 'i18n-iso-countries/codes.json' with { type: 'json' };
import world from 'world-atlas/countries-110m.json' with { type: 'json' };

export interface CountryShape {
  /** ISO 3166-1 alpha-2, as clicks record it. */
  readonly code: string;
  /** The atlas's own English name, for a shape Intl cannot name. */
  readonly name: string;
  readonly d: string;
}

export interface WorldShapes {
  readonly width: number;
  readonly height: number;
  /** The globe's edge: what lies beyond it is the other side of the antimeridian. */
  readonly outline: string;
  readonly countries: readonly CountryShape[];
}

const WIDTH = 1000;
const ANTARCTICA = '010';
// Shapes the atlas gives no ISO number: GeoIP databases place their visitors under these codes.
const UNNUMBERED: Record<string, string> = { Kosovo: 'XK', 'N. Cyprus': 'CY', Somaliland: 'SO' };

const alpha2 = new Map((codes as string[][]).map(([a2, , numeric]) => [numeric, a2]));

/** Natural Earth I (Šavrič et al.), as d3-geo's geoNaturalEarth1 computes it; radians in, units out. */
function naturalEarth(lambda: number, phi: number): [number, number] {
  const phi2 = phi * phi;
  const phi4 = phi2 * phi2;
  return [
    lambda * (0.8707 - 0.131979 * phi2 + phi4 * (-0.013791 + phi4 * (0.003971 * phi2 - 0.001529 * phi4))),
    phi * (1.007226 + phi2 * (0.015085 + phi4 * (-0.044475 + 0.028874 * phi2 - 0.005916 * phi4))),
  ];
}

const RAD = Math.PI / 180;

function rings(geometry: Polygon | MultiPolygon): Position[][] {
  return geometry.type === 'Polygon' ? geometry.coordinates : geometry.coordinates.flat();
}

/**
 * A ring's longitudes made continuous. The atlas's Fiji and Russia cross the antimeridian: such a
 * ring is drawn twice, once on each side, and the map is clipped to the globe's outline.
 */
function unwrapped(ring: Position[]): { lonLat: [number, number][]; shift: number } {
  const lonLat: [number, number][] = [];
  let previous: number | undefined;
  for (const [lon = 0, lat = 0] of ring) {
    const next = previous === undefined ? lon : lon + 360 * Math.round((previous - lon) / 360);
    lonLat.push([next, lat]);
    previous = next;
  }
  const crosses = lonLat.some(([lon]) => lon > 180 || lon < -180);
  const mean = lonLat.reduce((sum, [lon]) => sum + lon, 0) / lonLat.length;
  return { lonLat, shift: crosses ? (mean > 0 ? -360 : 360) : 0 };
}

const project = ([lon, lat]: [number, number]) => naturalEarth(lon * RAD, lat * RAD);

/** One shape per code (N. Cyprus joins Cyprus, Somaliland Somalia): one target for pointer and keyboard. */
function merged(shapes: (CountryShape & { numbered: boolean })[]): CountryShape[] {
  const byCode = new Map<string, CountryShape>();
  for (const { numbered, ...shape } of shapes) {
    const other = byCode.get(shape.code);
    // The name is the ISO country's, not its part's.
    byCode.set(shape.code, other === undefined ? shape : { ...(numbered ? shape : other), d: other.d + shape.d });
  }
  return [...byCode.values()];
}

let built: WorldShapes | undefined;

export function worldShapes(): WorldShapes {
  if (built) return built;
  const topology = world as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>;
  const collection = feature(topology, topology.objects.countries);
  const projected = collection.features
    .filter((f) => f.id !== ANTARCTICA && f.geometry !== null)
    .map((f) => ({
      code: (f.id === undefined ? UNNUMBERED[f.properties.name] : alpha2.get(String(f.id))) ?? '',
      numbered: f.id !== undefined,
      name: f.properties.name,
      rings: rings(f.geometry as Polygon | MultiPolygon).map(unwrapped).flatMap(({ lonLat, shift }) => [
        lonLat.map(project),
        ...(shift === 0 ? [] : [lonLat.map(([lon, lat]) => project([lon + shift, lat]))]),
      ]),
    }))
    .filter((c) => c.code !== '');
  let [minY, maxY] = [Infinity, -Infinity];
  for (const c of projected) for (const ring of c.rings) for (const [, y] of ring) [minY, maxY] = [Math.min(minY, y), Math.max(maxY, y)];
  const [minX, maxX] = [project([-180, 0])[0], project([180, 0])[0]];
  const scale = WIDTH / (maxX - minX);
  // SVG's y grows downwards; one decimal is a tenth of a pixel at full width.
  const point = ([x, y]: [number, number]) => `${((x - minX) * scale).toFixed(1)},${((maxY - y) * scale).toFixed(1)}`;
  const path = (ring: [number, number][]) => `M${ring.map(point).join('L')}Z`;
  const meridian = (lon: number) => Array.from({ length: 181 }, (_, i): [number, number] => project([lon, lon > 0 ? 90 - i : i - 90]));
  built = {
    width: WIDTH,
    height: Math.ceil((maxY - minY) * scale),
    outline: path([...meridian(180), ...meridian(-180)]),
    countries: merged(projected.map((c) => ({ code: c.code, name: c.name, numbered: c.numbered, d: c.rings.map(path).join('') }))),
  };
  return built;
}
