/**
 * Our requests are built directly in canonical (exclusive C14N) form: compact, attributes sorted,
 * namespaces declared where first used, empty elements written as start and end tags. So the bytes we
 * digest and sign are exactly the bytes we send, with no canonicalisation library in between.
 */
export function attributeValue(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#x9;')
    .replace(/\n/g, '&#xA;')
    .replace(/\r/g, '&#xD;');
}

export function textValue(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;');
}

/** Unqualified attributes in C14N order (by name), empty values dropped as SAT's clients do. */
export function sortedAttributes(attributes: Readonly<Record<string, string | undefined>>): string {
  return Object.entries(attributes)
    .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => ` ${name}="${attributeValue(value)}"`)
    .join('');
}
