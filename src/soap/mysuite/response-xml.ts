import { escapeXml } from '../infra/xml-text';

/** ResponseData1..3 travel as Base64 of UTF-8 text, as MYSuite sends them. */
export function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** The scalar members of a record as XML attributes (nested records are left to their own elements). */
export function attributes(record: Readonly<Record<string, unknown>>): string {
  return Object.entries(record)
    .filter(([, value]) => value !== undefined && value !== null && typeof value !== 'object')
    .map(([key, value]) => ` ${key}="${escapeXml(String(value))}"`)
    .join('');
}

export function emptyElement(name: string, record: Readonly<Record<string, unknown>>): string {
  return `<${name}${attributes(record)}/>`;
}
