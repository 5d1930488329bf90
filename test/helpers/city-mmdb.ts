import { writeFileSync } from 'node:fs';
import { isIPv4, isIPv6 } from 'node:net';

// A small writer of MaxMind DB files (format 2.0, https://maxmind.github.io/MaxMind-DB/), so that tests
// can make City databases of their own: MaxMind's are not free to ship, and no npm package writes them.

/** What a record may hold: utf8 strings, numbers (as uint32), bigints (as uint64), arrays, maps. */
export type MmdbValue = string | number | bigint | readonly MmdbValue[] | { readonly [key: string]: MmdbValue };

export interface MmdbOptions {
  /** Bits per search tree record (24 unless told). */
  readonly recordSize?: 24 | 28;
  readonly databaseType?: string;
}

export interface CityNetwork {
  /** "81.2.69.0/24" or "2001:db8::/32"; bits past the prefix are ignored. */
  readonly cidr: string;
  /** ISO 3166-1 alpha-2, written as given (a test may write a bad one). */
  readonly country: string;
  /** The subdivision's ISO 3166-2 code without the country ("BE" for Berlin). */
  readonly subdivision?: string;
  /** The city's English name. */
  readonly city?: string;
}

/** The record MaxMind's City files have for a network (the parts the adapter reads). */
export function cityRecord({ country, subdivision, city }: CityNetwork): MmdbValue {
  return {
    country: { iso_code: country, names: { en: countryName(country) } },
    // Test files need no real subdivision names: the code stands in.
    ...(subdivision === undefined ? {} : { subdivisions: [{ iso_code: subdivision, names: { en: subdivision } }] }),
    ...(city === undefined ? {} : { city: { names: { en: city } } }),
  };
}

/** A GeoIP2-City-shaped .mmdb at `path`; a later network wins where networks overlap. */
export function writeCityMmdb(path: string, networks: readonly CityNetwork[], options: MmdbOptions = {}): void {
  const records = networks.map((network) => ({ cidr: network.cidr, record: cityRecord(network) }));
  writeFileSync(path, buildMmdb(records, { databaseType: 'GeoIP2-City', ...options }));
}

/** An IPv6 database (IPv4 networks under ::/96, as MaxMind's) mapping each network to its record. */
export function buildMmdb(networks: readonly { cidr: string; record: MmdbValue }[], options: MmdbOptions = {}): Buffer {
  const { recordSize = 24, databaseType = 'Test' } = options;
  // The data section: each distinct record once, as real files do (and as the adapter's cache expects).
  const offsets = new Map<string, number>();
  const data: Buffer[] = [];
  let dataSize = 0;
  const root: Branch = { slots: [null, null] };
  for (const { cidr, record } of networks) {
    const encoded = encode(record);
    const key = encoded.toString('latin1');
    let offset = offsets.get(key);
    if (offset === undefined) {
      offsets.set(key, (offset = dataSize));
      data.push(encoded);
      dataSize += encoded.length;
    }
    insert(root, cidr, offset);
  }
  // Number the nodes breadth first, the root being node 0.
  const nodes = [root];
  const numbers = new Map<Branch, number>([[root, 0]]);
  for (let i = 0; i < nodes.length; i++) {
    for (const slot of nodes[i]!.slots) if (typeof slot === 'object' && slot !== null) numbers.set(slot, nodes.push(slot) - 1);
  }
  const nodeCount = nodes.length;
  // A record is a node's number, node_count for "no data", or node_count + 16 + a data section offset.
  const value = (slot: Slot): number => {
    const v = slot === null ? nodeCount : typeof slot === 'number' ? nodeCount + 16 + slot : numbers.get(slot)!;
    if (v >= 2 ** recordSize) throw new Error(`a ${recordSize}-bit record cannot hold ${v}`);
    return v;
  };
  const nodeSize = recordSize / 4;
  const tree = Buffer.alloc(nodeCount * nodeSize);
  nodes.forEach((node, i) => {
    const [left, right] = [value(node.slots[0]), value(node.slots[1])];
    const at = i * nodeSize;
    tree.writeUIntBE(left % 2 ** 24, at, 3);
    tree.writeUIntBE(right % 2 ** 24, at + nodeSize - 3, 3);
    // 28-bit records share a middle byte: the left record's top 4 bits, then the right one's.
    if (recordSize === 28) tree[at + 3] = (Math.floor(left / 2 ** 24) << 4) | Math.floor(right / 2 ** 24);
  });
  const u16 = (n: number) => uint(TYPES.uint16, n);
  const metadata = map([
    ['node_count', encode(nodeCount)],
    ['record_size', u16(recordSize)],
    ['ip_version', u16(6)],
    ['database_type', encode(databaseType)],
    ['languages', encode(['en'])],
    ['binary_format_major_version', u16(2)],
    ['binary_format_minor_version', u16(0)],
    ['build_epoch', encode(BigInt(Math.floor(Date.now() / 1000)))],
    ['description', encode({ en: `${databaseType} database written by LinkPulse's tests` })],
  ]);
  const separator = Buffer.alloc(16);
  return Buffer.concat([tree, separator, ...data, Buffer.from('\xAB\xCD\xEFMaxMind.com', 'latin1'), metadata]);
}

/** A search tree node's two records (bit 0, bit 1): a node, a data section offset, or no data. */
type Slot = Branch | number | null;
interface Branch {
  slots: [Slot, Slot];
}

function insert(root: Branch, cidr: string, offset: number): void {
  const [address = '', bits = ''] = cidr.split('/');
  const v4 = isIPv4(address);
  if (!(v4 || isIPv6(address)) || !/^\d{1,3}$/.test(bits) || Number(bits) > (v4 ? 32 : 128)) throw new Error(`not a CIDR: ${cidr}`);
  const bytes = v4 ? [...Array<number>(12).fill(0), ...address.split('.').map(Number)] : ipv6Bytes(address);
  const prefix = Number(bits) + (v4 ? 96 : 0);
  if (prefix === 0) throw new Error('::/0 has no record of its own');
  const bit = (depth: number) => ((bytes[depth >> 3]! >> (7 - (depth & 7))) & 1) as 0 | 1;
  let node = root;
  for (let depth = 0; depth < prefix - 1; depth++) {
    let next = node.slots[bit(depth)];
    // A wider network's data (or no data) above a narrower network: both halves keep it.
    if (typeof next !== 'object' || next === null) node.slots[bit(depth)] = next = { slots: [next, next] };
    node = next;
  }
  node.slots[bit(prefix - 1)] = offset;
}

function ipv6Bytes(address: string): number[] {
  const groups = (part: string | undefined): number[] =>
    !part ? [] : part.split(':').flatMap((g) => {
      if (!g.includes('.')) return [parseInt(g, 16)];
      const [a = 0, b = 0, c = 0, d = 0] = g.split('.').map(Number); // a dotted IPv4 tail, "::ffff:1.2.3.4"
      return [(a << 8) | b, (c << 8) | d];
    });
  const [head, tail] = address.split('::');
  const [before, after] = [groups(head), groups(tail)];
  const all = [...before, ...Array<number>(8 - before.length - after.length).fill(0), ...after];
  return all.flatMap((g) => [g >> 8, g & 0xff]);
}

// Data section types (spec: "Output Data Section"); 8 and above are "extended", their type in a second byte.
const TYPES = { utf8: 2, uint16: 5, uint32: 6, map: 7, uint64: 9, array: 11 } as const;

function encode(value: MmdbValue): Buffer {
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([control(TYPES.utf8, bytes.length), bytes]);
  }
  if (typeof value === 'number') return uint(TYPES.uint32, value);
  if (typeof value === 'bigint') return uint(TYPES.uint64, value);
  if (Array.isArray(value)) return Buffer.concat([control(TYPES.array, value.length), ...value.map(encode)]);
  return map(Object.entries(value as { readonly [key: string]: MmdbValue }).map(([k, v]) => [k, encode(v)]));
}

function map(entries: readonly (readonly [string, Buffer])[]): Buffer {
  return Buffer.concat([control(TYPES.map, entries.length), ...entries.flatMap(([k, v]) => [encode(k), v])]);
}

/** Big-endian, in as few bytes as it takes (none for 0). */
function uint(type: number, value: number | bigint): Buffer {
  const n = BigInt(value);
  if (n < 0n || n >= 2n ** (type === TYPES.uint16 ? 16n : type === TYPES.uint32 ? 32n : 64n)) throw new Error(`out of range: ${value}`);
  const bytes: number[] = [];
  for (let rest = n; rest > 0n; rest >>= 8n) bytes.unshift(Number(rest & 0xffn));
  return Buffer.concat([control(type, bytes.length), Buffer.from(bytes)]);
}

/** The control byte (type in the top 3 bits, size in the low 5), the extended type, then any size bytes. */
function control(type: number, size: number): Buffer {
  const extended = type > 7 ? [type - 7] : [];
  const first = (type > 7 ? 0 : type) << 5;
  if (size < 29) return Buffer.from([first | size, ...extended]);
  if (size < 285) return Buffer.from([first | 29, ...extended, size - 29]);
  if (size < 65_821) return Buffer.from([first | 30, ...extended, (size - 285) >> 8, (size - 285) & 0xff]);
  const rest = size - 65_821;
  return Buffer.from([first | 31, ...extended, rest >> 16, (rest >> 8) & 0xff, rest & 0xff]);
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });
function countryName(code: string): string {
  try {
    return regionNames.of(code) ?? code;
  } catch {
    return code; // a malformed code, written on purpose
  }
}
