import { adminMessages } from './messages/admin';
import { cfdiMessages } from './messages/cfdi';
import { conciliacionMessages } from './messages/conciliacion';
import { coreMessages } from './messages/core';
import { notificacionesMessages } from './messages/notificaciones';
import { satMessages } from './messages/sat';

export type Lang = 'es' | 'en';
export const LANGS: readonly Lang[] = ['es', 'en'];

/** Spanish first: the domain speaks it, and so do our users. Each section keeps its own messages. */
const es = {
  ...coreMessages.es,
  ...adminMessages.es,
  ...cfdiMessages.es,
  ...conciliacionMessages.es,
  ...notificacionesMessages.es,
  ...satMessages.es,
};

export type MessageKey = keyof typeof es;

const en: Record<MessageKey, string> = {
  ...coreMessages.en,
  ...adminMessages.en,
  ...cfdiMessages.en,
  ...conciliacionMessages.en,
  ...notificacionesMessages.en,
  ...satMessages.en,
};

const CATALOGUES: Record<Lang, Record<MessageKey, string>> = { es, en };

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export function translator(lang: Lang): Translate {
  const catalogue = CATALOGUES[lang];
  return (key, params) =>
    catalogue[key].replace(/\{(\w+)\}/g, (whole, name: string) =>
      params && name in params ? String(params[name]) : whole,
    );
}

export function isLang(value: unknown): value is Lang {
  return value === 'es' || value === 'en';
}

export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(es, key);
}
