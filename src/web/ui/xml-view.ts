import { SaxesParser } from 'saxes';

/**
 * An XML document laid out for reading: one element per line, indented, long attribute lists one
 * attribute per line, whitespace between elements dropped. Tokens carry their kind for colouring and
 * are plain text: the page escapes them like any other value.
 */
export type XmlTokenKind = 'punct' | 'tag' | 'attr' | 'value' | 'text' | 'comment' | 'decl';

export interface XmlToken {
  readonly kind: XmlTokenKind;
  readonly text: string;
}

export interface XmlLine {
  /** Leading spaces. */
  readonly indent: number;
  readonly tokens: readonly XmlToken[];
}

interface ElementNode {
  readonly kind: 'element';
  readonly name: string;
  readonly attributes: readonly (readonly [string, string])[];
  readonly children: XmlNode[];
}

type XmlNode =
  | ElementNode
  | { readonly kind: 'text' | 'comment' | 'cdata'; readonly text: string }
  | { readonly kind: 'decl'; readonly text: string };

const STEP = 2;
/** Attributes stay on the tag's line while the line stays about this short. */
const INLINE_WIDTH = 90;

function escapeText(text: string): string {
  return text.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

function escapeValue(text: string): string {
  return text.replace(/[&<"\t\n\r]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '"' ? '&quot;' : `&#x${c.charCodeAt(0).toString(16)};`,
  );
}

function parse(xml: string): XmlNode[] | undefined {
  const parser = new SaxesParser();
  const top: XmlNode[] = [];
  const open: ElementNode[] = [];
  const add = (node: XmlNode): void => {
    (open[open.length - 1]?.children ?? top).push(node);
  };
  let failed = false;
  parser.on('error', () => {
    failed = true;
  });
  parser.on('xmldecl', (decl) => {
    const parts = [
      decl.version && `version="${decl.version}"`,
      decl.encoding && `encoding="${decl.encoding}"`,
      decl.standalone && `standalone="${decl.standalone}"`,
    ].filter(Boolean);
    add({ kind: 'decl', text: `<?xml ${parts.join(' ')}?>` });
  });
  parser.on('processinginstruction', (pi) => add({ kind: 'decl', text: `<?${pi.target} ${pi.body}?>` }));
  parser.on('comment', (text) => add({ kind: 'comment', text: `<!--${text}-->` }));
  parser.on('cdata', (text) => add({ kind: 'cdata', text: `<![CDATA[${text}]]>` }));
  parser.on('text', (text) => {
    if (text.trim() !== '') add({ kind: 'text', text: escapeText(text.trim()) });
  });
  parser.on('opentag', (tag) => {
    const element: ElementNode = {
      kind: 'element',
      name: tag.name,
      attributes: Object.entries(tag.attributes as Record<string, string>),
      children: [],
    };
    add(element);
    open.push(element);
  });
  parser.on('closetag', () => {
    open.pop();
  });
  try {
    parser.write(xml).close();
  } catch {
    return undefined;
  }
  return failed ? undefined : top;
}

function attributeTokens(name: string, value: string): XmlToken[] {
  return [
    { kind: 'attr', text: name },
    { kind: 'punct', text: '="' },
    { kind: 'value', text: escapeValue(value) },
    { kind: 'punct', text: '"' },
  ];
}

function lengthOf(tokens: readonly XmlToken[]): number {
  return tokens.reduce((sum, token) => sum + token.text.length, 0);
}

function layout(node: XmlNode, indent: number, lines: XmlLine[]): void {
  if (node.kind !== 'element') {
    lines.push({ indent, tokens: [{ kind: node.kind === 'cdata' ? 'text' : node.kind, text: node.text }] });
    return;
  }
  const head: XmlToken[] = [
    { kind: 'punct', text: '<' },
    { kind: 'tag', text: node.name },
  ];
  const inline = node.attributes.flatMap(([name, value]) => [
    { kind: 'punct' as const, text: ' ' },
    ...attributeTokens(name, value),
  ]);
  const fits = node.attributes.length <= 1 || indent + lengthOf(head) + lengthOf(inline) <= INLINE_WIDTH;
  const close: XmlToken[] = [
    { kind: 'punct', text: '</' },
    { kind: 'tag', text: node.name },
    { kind: 'punct', text: '>' },
  ];
  const [only] = node.children;
  if (fits) lines.push({ indent, tokens: [...head, ...inline] });
  else {
    lines.push({ indent, tokens: head });
    for (const [name, value] of node.attributes)
      lines.push({ indent: indent + 2 * STEP, tokens: attributeTokens(name, value) });
  }
  // The tag ends on the last line just written.
  const last = lines[lines.length - 1]?.tokens as XmlToken[];
  if (node.children.length === 0) {
    last.push({ kind: 'punct', text: '/>' });
    return;
  }
  if (node.children.length === 1 && only?.kind === 'text' && fits && only.text.length <= INLINE_WIDTH) {
    last.push({ kind: 'punct', text: '>' }, { kind: 'text', text: only.text }, ...close);
    return;
  }
  last.push({ kind: 'punct', text: '>' });
  for (const child of node.children) layout(child, indent + STEP, lines);
  lines.push({ indent, tokens: close });
}

/** The document's lines, or undefined when it is not well-formed XML (the page shows it as it is). */
export function prettyXml(xml: string): XmlLine[] | undefined {
  const nodes = parse(xml);
  if (!nodes) return undefined;
  const lines: XmlLine[] = [];
  for (const node of nodes) layout(node, 0, lines);
  return lines;
}
