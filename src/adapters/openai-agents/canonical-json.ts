import { encodeItem } from './item-codec.js';

/**
 * An item's JSON with object keys sorted (and binary values encoded as stored): two items are
 * the same history entry when these are equal, whatever order their keys were written in.
 */
export function canonicalJson(value: unknown): string {
  return sortKeys(JSON.parse(encodeItem(value as never)));
}

function sortKeys(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortKeys).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${sortKeys(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
