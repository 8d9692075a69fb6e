/**
 * One section's messages in both languages. The English side must have exactly the Spanish keys, so
 * a page can never show a key that one language lacks.
 */
export function section<const Es extends Record<string, string>>(
  es: Es,
  en: { readonly [K in keyof Es]: string },
): { readonly es: Es; readonly en: { readonly [K in keyof Es]: string } } {
  return { es, en };
}
