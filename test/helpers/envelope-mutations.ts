import { S11, S12 } from '../integration/soap-infra/soap-fetch';

/*
 * Envelope mutations for fuzzing SOAP endpoints: seeded, so a failing case replays from its index.
 * `mutate` may break the XML anywhere; `mutateWellFormed` keeps it well-formed so parsers and handlers
 * see the damage too.
 */

/** Small seeded generator so a failing case can be replayed from its index. */
export function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';

const SNIPPETS = [
  '<!DOCTYPE x [<!ENTITY a "b">]>',
  '&a;',
  '&#0;',
  '&#x1F600;',
  ']]>',
  '<![CDATA[<t:A>9</t:A>]]>',
  '<?xml-stylesheet href="x"?>',
  '<!-- c -->',
  ' xmlns:t="urn:otra"',
  ' xsi:nil="true" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
  '<t:A>1</t:A><t:A>2</t:A>',
  `<wsse:Security xmlns:wsse="${WSSE}"><wsse:UsernameToken><wsse:Username>demo</wsse:Username></wsse:UsernameToken></wsse:Security>`,
  '<a>'.repeat(80),
  '</a>',
  '"',
  "'",
  '<',
  '>',
  '\u0000',
  '\uD800',
  'é',
  'x'.repeat(5000),
  ' attributes="1"',
  '<t:attributes>x</t:attributes>',
  '<t:__proto__><t:polluted>1</t:polluted></t:__proto__>',
  '<t:constructor>x</t:constructor>',
  '<t:$value>x</t:$value>',
];

/** `names`: element names worth misspelling (operations, fields, envelope parts). */
export function mutate(text: string, random: () => number, names: RegExp): string {
  const at = () => Math.floor(random() * (text.length + 1));
  const steps = 1 + Math.floor(random() * 3);
  let result = text;
  for (let step = 0; step < steps; step += 1) {
    const position = Math.floor(random() * (result.length + 1));
    switch (Math.floor(random() * 7)) {
      case 0:
        result = result.slice(0, position) + result.slice(position + 1 + Math.floor(random() * 40));
        break;
      case 1:
        result =
          result.slice(0, position) +
          SNIPPETS[Math.floor(random() * SNIPPETS.length)] +
          result.slice(position);
        break;
      case 2: {
        const start = at();
        result =
          result.slice(0, position) +
          text.slice(start, start + Math.floor(random() * 80)) +
          result.slice(position);
        break;
      }
      case 3:
        result = result.slice(0, position);
        break;
      case 4:
        result = result.replace(names, (name) => (random() < 0.5 ? name.toLowerCase() : `${name}X`));
        break;
      case 5:
        result =
          result.slice(0, position) +
          String.fromCharCode(Math.floor(random() * 0x3000)) +
          result.slice(position);
        break;
      default:
        result = result.replace(random() < 0.5 ? S11 : S12, random() < 0.5 ? S12 : S11);
    }
  }
  return result;
}

const WELL_FORMED = [
  '<t:A>1</t:A><t:A>2</t:A>',
  '<t:B/>',
  '<t:Texto></t:Texto>',
  '<t:Etiqueta>c</t:Etiqueta>',
  '<x:Otro xmlns:x="urn:otro"><x:Y>1</x:Y></x:Otro>',
  '<![CDATA[<t:A>9</t:A>]]>',
  '<!-- comentario -->',
  '<?pi dato?>',
  '&#x1F600;&amp;&lt;',
  `${'<a>'.repeat(40)}${'</a>'.repeat(40)}`,
  '<t:__proto__><t:polluted>1</t:polluted></t:__proto__>',
  '<t:constructor><t:prototype>x</t:prototype></t:constructor>',
  '<t:attributes>x</t:attributes>',
  '<t:Texto xsi:nil="true" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>',
  `<wsse:Security xmlns:wsse="${WSSE}"><wsse:UsernameToken><wsse:Username>demo</wsse:Username><wsse:Password Type="#PasswordDigest">x</wsse:Password></wsse:UsernameToken></wsse:Security>`,
];

/** Mutations that keep the XML well-formed, so node-soap and the handlers see them too. */
export function mutateWellFormed(text: string, random: () => number): string {
  const boundaries = [...text.matchAll(/>/g)].map((match) => (match.index ?? 0) + 1);
  const position = boundaries[Math.floor(random() * boundaries.length)];
  if (random() < 0.6) {
    return (
      text.slice(0, position) + WELL_FORMED[Math.floor(random() * WELL_FORMED.length)] + text.slice(position)
    );
  }
  const value = Array.from({ length: Math.floor(random() * 30) }, () =>
    String.fromCharCode(32 + Math.floor(random() * 0x2000)),
  )
    .join('')
    .replace(/[<&]/g, '_');
  return text.replace(/>([^<]*)</, (_whole, _old: string) => `>${value}<`);
}
